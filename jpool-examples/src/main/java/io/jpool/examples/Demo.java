package io.jpool.examples;

/**
 * The README's demo: the classic pool scenarios, one after another. Run it with
 * {@code mvn -q -DskipTests -pl jpool-examples -am package exec:exec}.
 */
public final class Demo {
    public static void main(String[] args) throws Exception {
        System.out.println("jpool demo on Java " + Runtime.version() + ", "
                + Runtime.getRuntime().availableProcessors() + " cpus\n");
        IoDemo.run();
        CpuDemo.run();
        IsolationDemo.run();
        ManagerDemo.run();
    }

    private Demo() {
    }
}
