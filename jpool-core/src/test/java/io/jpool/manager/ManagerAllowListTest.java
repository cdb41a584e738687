package io.jpool.manager;

import io.jpool.Manager;
import io.jpool.SerializableBiFunction;
import io.jpool.SharedMap;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.Serializable;
import java.util.concurrent.atomic.AtomicInteger;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** With an allow-list, a manager instantiates nothing outside it from what other JVMs send. */
class ManagerAllowListTest {

    /** Counts how often the manager's JVM deserialized one. */
    static final class Canary implements Serializable {
        private static final long serialVersionUID = 1L;
        static final AtomicInteger READS = new AtomicInteger();

        private void readObject(ObjectInputStream in) throws IOException, ClassNotFoundException {
            in.defaultReadObject();
            READS.incrementAndGet();
        }
    }

    record Point(int x, int y) implements Serializable {
    }

    /** Functions written in a class on the list. */
    static final class Functions {
        static SerializableBiFunction<Integer, Integer, Integer> sum() {
            return (a, b) -> a + b;
        }
    }

    private static String outcome(Runnable call) {
        try {
            call.run();
            return "ok";
        } catch (IllegalArgumentException e) {
            return "refused: " + e.getMessage();
        }
    }

    @Test
    void valuesAndFunctionsOutsideTheListAreRefusedBeforeAnyIsInstantiated() throws Exception {
        Canary.READS.set(0);
        try (Manager m = Manager.builder()
                .allowedClasses("io.jpool.manager.ManagerAllowListTest$Point")
                .allowedClasses("io.jpool.manager.ManagerAllowListTest$Functions")
                .start()) {
            SharedMap<String, Object> values = m.map("values");
            SharedMap<String, Integer> counts = m.map("counts");
            String seen = ChildJvm.run(() -> String.join("\n",
                    outcome(() -> values.put("point", new Point(1, 2))),
                    outcome(() -> values.put("canary", new Canary())),
                    outcome(() -> values.put("nested", new Object[] {"x", java.util.List.of(new Canary())})),
                    outcome(() -> counts.merge("a", 1, Integer::sum)),
                    outcome(() -> counts.merge("a", 1, Functions.sum())),
                    outcome(() -> counts.merge("a", 1, Functions.sum()))));
            String[] lines = seen.split("\n");
            assertThat(lines[0]).isEqualTo("ok");
            assertThat(lines[1]).startsWith("refused").contains(Canary.class.getName()).contains("allowedClasses");
            assertThat(lines[2]).startsWith("refused").contains(Canary.class.getName());
            assertThat(lines[3]).startsWith("refused").contains(ManagerAllowListTest.class.getName() + " is not in");
            assertThat(lines[4]).isEqualTo("ok");
            assertThat(lines[5]).isEqualTo("ok");
            assertThat(Canary.READS.get()).as("no Canary was deserialized in the manager's JVM").isZero();
            assertThat(values.get("point")).isEqualTo(new Point(1, 2));
            assertThat(values.containsKey("canary")).isFalse();
            assertThat(counts.get("a")).isEqualTo(2);
        }
    }

    @Test
    void withoutAListTheSameValueIsRead() throws Exception {
        Canary.READS.set(0);
        try (Manager m = Manager.start()) {
            SharedMap<String, Object> values = m.map("values");
            assertThat(ChildJvm.run(() -> outcome(() -> values.put("canary", new Canary())))).isEqualTo("ok");
            assertThat(Canary.READS.get()).isEqualTo(1);
        }
    }

    @Test
    void aMalformedPatternSaysWhichFormsAreTaken() {
        assertThatThrownBy(() -> Manager.builder().allowedClasses("com.example.*;!*"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("com.example.**");
        assertThatThrownBy(() -> Manager.builder().allowedClasses((String) null))
                .isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> Manager.builder().allowedClasses((String[]) null))
                .isInstanceOf(NullPointerException.class).hasMessageContaining("allowedClasses");
    }
}
