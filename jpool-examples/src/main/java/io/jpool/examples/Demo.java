package io.jpool.examples;

import io.jpool.examples.cookbook.Cookbook;

/**
 * The README's demo: the classic pool scenarios, one after another. Run it with
 * {@code mvn -q -DskipTests -pl jpool-examples -am package exec:exec}; add
 * {@code -Dcookbook=<program>} to run one program of the {@link Cookbook} instead
 * ({@code -Dcookbook=list} lists them).
 */
public final class Demo {
    public static void main(String[] args) throws Exception {
        if (args.length > 0 && !args[0].isBlank()) {
            Cookbook.main(args[0].equals("list") ? new String[0] : args);
            return;
        }
        System.out.println("jpool demo on Java " + Runtime.version() + ", "
                + Runtime.getRuntime().availableProcessors() + " cpus\n");
        IoDemo.run();
        CpuDemo.run();
        IsolationDemo.run();
        ManagerDemo.run();
        ClusterDemo.run();
    }

    private Demo() {
    }
}
