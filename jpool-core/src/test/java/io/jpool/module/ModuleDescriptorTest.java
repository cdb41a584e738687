package io.jpool.module;

import io.jpool.ThreadPool;
import org.junit.jupiter.api.Test;

import java.lang.module.Configuration;
import java.lang.module.ModuleDescriptor;
import java.lang.module.ModuleFinder;
import java.lang.reflect.InvocationTargetException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * jpool-core's module descriptor: {@code io.jpool} is the only package every module can use; the
 * internal packages are exported, by name, only to jpool's own modules. Read from the built classes
 * (an exploded module), and loaded into a layer of its own to see what the JVM enforces.
 */
class ModuleDescriptorTest {
    /** The modules that may see internal packages: jpool's own (their jars' Automatic-Module-Name). */
    private static final Set<String> JPOOL_MODULES = Set.of("io.jpool.hazelcast", "io.jpool.jcstress");

    /** Where jpool-core's classes are: target/classes in this build, an exploded module. */
    static Path coreLocation() {
        try {
            return Path.of(ThreadPool.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static ModuleDescriptor descriptor() {
        return ModuleFinder.of(coreLocation()).find("io.jpool")
                .orElseThrow(() -> new AssertionError("no module io.jpool at " + coreLocation()))
                .descriptor();
    }

    @Test
    void exportsOnlyThePublicApiToEveryone() {
        ModuleDescriptor d = descriptor();
        Set<String> unqualified = d.exports().stream().filter(e -> !e.isQualified())
                .map(ModuleDescriptor.Exports::source).collect(Collectors.toSet());
        assertThat(unqualified).containsExactly("io.jpool");
        assertThat(d.opens()).as("no package open to reflection").isEmpty();
        assertThat(d.isOpen()).isFalse();
    }

    @Test
    void internalPackagesGoOnlyToJpoolsOwnModules() {
        for (ModuleDescriptor.Exports e : descriptor().exports()) {
            if (e.isQualified()) {
                assertThat(e.source()).as("a qualified export").startsWith("io.jpool.internal.");
                assertThat(e.targets()).as("the modules %s is exported to", e.source()).isSubsetOf(JPOOL_MODULES);
            }
        }
    }

    @Test
    void everyPackageButTheApiIsInternal() {
        // a new package outside io.jpool.internal must be a deliberate export, not an accident
        Set<String> others = descriptor().packages().stream().filter(p -> !p.equals("io.jpool"))
                .collect(Collectors.toSet());
        assertThat(others).isNotEmpty().allSatisfy(p -> assertThat(p).startsWith("io.jpool.internal."));
    }

    @Test
    void requiresOnlyJdkModules() {
        Set<String> required = descriptor().requires().stream().map(ModuleDescriptor.Requires::name)
                .collect(Collectors.toSet());
        assertThat(required).as("jpool-core has no runtime dependencies")
                .containsExactlyInAnyOrder("java.base", "java.management", "jdk.jfr", "jdk.management");
        assertThat(descriptor().requires()).as("jdk.management is optional: the adaptive process pool copes without it")
                .filteredOn(r -> r.name().equals("jdk.management"))
                .allMatch(r -> r.modifiers().contains(ModuleDescriptor.Requires.Modifier.STATIC));
    }

    @Test
    void theJvmKeepsInternalPackagesFromOtherModules() throws Exception {
        ModuleLayer boot = ModuleLayer.boot();
        Configuration cf = boot.configuration().resolve(ModuleFinder.of(coreLocation()), ModuleFinder.of(),
                Set.of("io.jpool"));
        ModuleLayer layer = boot.defineModulesWithOneLoader(cf, ClassLoader.getSystemClassLoader());
        Module jpool = layer.findModule("io.jpool").orElseThrow();
        Module outsider = getClass().getModule(); // this test's (unnamed) module

        assertThat(jpool.isExported("io.jpool", outsider)).isTrue();
        for (String p : jpool.getPackages()) {
            if (!p.equals("io.jpool")) {
                assertThat(jpool.isExported(p, outsider)).as(p).isFalse();
                assertThat(jpool.isOpen(p, outsider)).as(p).isFalse();
            }
        }

        ClassLoader loader = layer.findLoader("io.jpool");
        // the API is usable from outside ...
        Object[] values = (Object[]) Class.forName("io.jpool.ReturnWhen", true, loader).getMethod("values")
                .invoke(null);
        assertThat(values).isNotEmpty();
        // ... a public method of an internal class is not, even by reflection
        Class<?> internal = Class.forName("io.jpool.internal.util.Durations", false, loader);
        assertThat(internal.getModule()).isSameAs(jpool);
        assertThatThrownBy(() -> invokeAnyPublicStatic(internal))
                .isInstanceOf(IllegalAccessException.class)
                .hasMessageContaining("does not export io.jpool.internal.util");
    }

    /** Calls the first public static method of {@code c}: the access check comes before the arguments'. */
    private static void invokeAnyPublicStatic(Class<?> c) throws IllegalAccessException {
        for (java.lang.reflect.Method m : c.getMethods()) {
            if (java.lang.reflect.Modifier.isStatic(m.getModifiers()) && m.getDeclaringClass() == c) {
                try {
                    m.invoke(null, new Object[m.getParameterCount()]);
                } catch (InvocationTargetException | IllegalArgumentException e) {
                    throw new AssertionError("the call got past the access check: " + m, e);
                }
                return;
            }
        }
        throw new AssertionError(c + " has no public static method to try");
    }
}
