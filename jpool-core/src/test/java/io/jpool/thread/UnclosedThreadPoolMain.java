package io.jpool.thread;

import io.jpool.ThreadPool;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A program that returns from main without closing its {@link ThreadPool}, as scripts do. Args:
 * {@code idle} (a task ran and finished before main returns), or {@code pending <file>} (main
 * returns while a task that sleeps 500 ms and then writes {@code <file>} runs).
 */
public final class UnclosedThreadPoolMain {
    private UnclosedThreadPoolMain() {
    }

    public static void main(String[] args) throws Exception {
        ThreadPool pool = ThreadPool.create(4);
        if (args[0].equals("idle")) {
            pool.submit(() -> 1).get(); // a worker started, ran it and is now idle
        } else {
            Path file = Path.of(args[1]);
            pool.submit(() -> {
                Thread.sleep(500);
                Files.writeString(file, "done");
                return null;
            });
        }
        System.out.println("main returns");
        System.out.flush();
    }
}
