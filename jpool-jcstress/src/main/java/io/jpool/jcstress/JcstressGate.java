package io.jpool.jcstress;

import org.openjdk.jcstress.JCStress;
import org.openjdk.jcstress.Options;
import org.openjdk.jcstress.infra.Status;
import org.openjdk.jcstress.infra.collectors.DiskReadCollector;
import org.openjdk.jcstress.infra.collectors.InProcessCollector;
import org.openjdk.jcstress.infra.collectors.TestResult;
import org.openjdk.jcstress.infra.grading.TestGrading;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Runs this module's jcstress tests and exits non-zero if any of them saw a forbidden or
 * unexpected outcome, errored, or did not run. Bound to {@code mvn verify} in its short mode.
 *
 * <h2>How it works</h2>
 * jcstress 0.16 reports failures only by throwing an {@link AssertionError} from its last report
 * printer (its {@code Main} exits 1 by way of that uncaught error), and says nothing about a test
 * that never produced a sample. So this class runs {@link JCStress} in-process with a preset (it
 * forks one JVM per test and configuration, using this JVM's java and class path), takes that
 * error as a failure, then reads back jcstress's binary result file and checks every result
 * itself: {@link Status#NORMAL} and {@link TestGrading#isPassed}. A selected test with no samples
 * also fails the gate. The exit code is 0 only when every check passed.
 *
 * <p>Usage: {@code JcstressGate short|full|canary [extra jcstress options]}. {@code short} (the verify
 * gate) is one fork per test on one JVM flag set with one 200 ms iteration, about 35 s on 2 cores;
 * {@code full} is {@code -m default} over jcstress's auto-detected JVM configurations
 * (interpreter, C1, C2, split compilation); {@code canary} runs only a deliberately racy test and
 * must fail. Extra options are passed on after the preset's; a {@code -t} among them replaces the
 * preset's test selection.
 */
public final class JcstressGate {

    /** The real tests: the futures' (this package) and the thread pool's ({@code thread}); not the canary. */
    private static final String TESTS = "^io\\.jpool\\.jcstress\\.(thread\\.)?[A-Za-z]+Test$";

    private JcstressGate() {
    }

    /** Runs the gate; see the class comment. Exit codes: 0 all passed, 1 a test failed, 2 bad usage. */
    public static void main(String[] args) throws Exception {
        String mode = args.length > 0 ? args[0] : "short";
        List<String> opts = new ArrayList<>(presetFor(mode));
        if (opts.isEmpty()) {
            System.err.println("usage: JcstressGate short|full|canary [jcstress options]; got mode '" + mode + "'");
            System.exit(2);
        }
        List<String> extra = extraOptions(Arrays.asList(args).subList(Math.min(1, args.length), args.length));
        if (extra.contains("-t")) {
            int i = opts.indexOf("-t");
            opts.subList(i, i + 2).clear(); // the caller's test selection replaces the preset's
        }
        opts.addAll(extra);
        opts.addAll(List.of("-r", "jcstress-report"));
        System.out.println("jpool jcstress gate: " + mode + " " + opts);

        Options options = new Options(opts.toArray(new String[0]));
        if (!options.parse()) {
            System.exit(2);
        }
        JCStress jcstress = new JCStress(options);
        SortedSet<String> expected = new TreeSet<>(jcstress.getTests());
        int failures = 0;
        try {
            jcstress.run();
        } catch (AssertionError e) {
            failures++; // jcstress's own verdict; the details are printed again below
        }
        failures += check(options.getResultFile(), expected);
        if (failures > 0) {
            System.err.println("jpool jcstress gate: FAILED, " + failures + " problem(s); see above and "
                    + "target/jcstress-report/index.html");
            System.exit(1);
        }
        System.out.println("jpool jcstress gate: all " + expected.size() + " tests passed (" + mode + ")");
        System.exit(0);
    }

    /**
     * The options after the mode. Maven passes {@code -Djcstress.extra} as one argument, so one
     * argument holding spaces is split on them; blank arguments are dropped.
     */
    private static List<String> extraOptions(List<String> args) {
        List<String> out = new ArrayList<>();
        for (String a : args) {
            if (args.size() == 1) {
                for (String part : a.trim().split("\\s+")) {
                    if (!part.isEmpty()) {
                        out.add(part);
                    }
                }
            } else if (!a.isBlank()) {
                out.add(a);
            }
        }
        return out;
    }

    private static List<String> presetFor(String mode) {
        switch (mode) {
            case "short":
                // One fork per test on one JVM flag set (no auto-detected -Xint/C1/C2/split-compilation
                // matrix), one 200 ms iteration: about 35 s for a dozen tests on 2 cores (JDK 17).
                return List.of("-t", TESTS, "-m", "quick", "-sc", "false", "-c", "2", "-f", "1", "-fsm", "0",
                        "-iters", "1", "-time", "200", "-jvmArgs", "-Xmx256m");
            case "full":
                // jcstress's default preset over every JVM configuration it detects.
                return List.of("-t", TESTS, "-m", "default");
            case "canary":
                // Only the deliberately broken test: the gate must exit 1 (see run.sh canary).
                return List.of("-t", "\\.canary\\.", "-m", "quick", "-sc", "false", "-c", "2", "-f", "1",
                        "-fsm", "0", "-iters", "1", "-time", "200", "-jvmArgs", "-Xmx256m");
            default:
                return List.of();
        }
    }

    /** Reads jcstress's result file; prints and counts every problem. */
    private static int check(String resultFile, SortedSet<String> expected) throws Exception {
        InProcessCollector collector = new InProcessCollector();
        DiskReadCollector reader = new DiskReadCollector(resultFile, collector);
        try {
            reader.dump();
        } finally {
            reader.close();
        }
        int failures = 0;
        TreeMap<String, Long> samples = new TreeMap<>();
        for (TestResult r : collector.getTestResults()) {
            samples.merge(r.getName(), r.getTotalCount(), Long::sum);
            if (r.status() != Status.NORMAL) {
                failures++;
                System.err.println("ERROR   " + r.getName() + ": status " + r.status() + " " + r.getMessages());
                continue;
            }
            TestGrading g = r.grading();
            if (!g.isPassed) {
                failures++;
                System.err.println("FAILED  " + r.getName() + " " + r.getConfig().jvmArgs + ":");
                for (String key : r.getStateKeys()) {
                    System.err.println("          " + key + "  x" + r.getCount(key));
                }
                g.failureMessages.forEach(m -> System.err.println("          " + m));
            }
        }
        for (String test : expected) {
            Long n = samples.get(test);
            if (n == null || n == 0) {
                failures++;
                System.err.println("MISSING " + test + ": no samples");
            }
        }
        return failures;
    }
}
