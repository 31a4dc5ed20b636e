package dev.berth.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.core.JsonParser;
import java.io.IOException;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What `create` does with config.json and state.json runs without jackson-databind: the classes
 * run in a class loader that has only berth-spec and jackson-core, so any use of data binding
 * (whose reflection costs ~90 ms on a cold JVM) would fail with NoClassDefFoundError.
 */
class ColdPathTest {

    @Test
    void readingAndValidatingConfigJsonNeedsNoDataBinding(@TempDir Path bundle) throws Exception {
        Files.createDirectory(bundle.resolve("rootfs"));
        Path config = Files.writeString(bundle.resolve("config.json"), SpecReaderTest.resource("runc-spec.json"));
        Path broken = Files.writeString(bundle.resolve("broken.json"), "{\"process\": {\"user\": {\"uid\": -1}}}");
        Path invalid = Files.writeString(bundle.resolve("invalid.json"), "{\"ociVersion\": \"one\"}");

        try (URLClassLoader isolated = withoutDataBinding()) {
            Class<?> reader = isolated.loadClass(SpecReader.class.getName());
            Class<?> validator = isolated.loadClass(SpecValidator.class.getName());
            Method read = reader.getMethod("read", Path.class);
            Method problems = validator.getMethod("problems", isolated.loadClass(Spec.class.getName()), Path.class);

            Object spec = read.invoke(null, config);
            assertEquals(List.of(), problems.invoke(null, spec, bundle));
            assertEquals(List.of("ociVersion: must be a SemVer 2.0.0 version such as \"1.2.0\", got \"one\"",
                    "root: is required", "process: is required"), problems.invoke(null, read.invoke(null, invalid), bundle));
            assertEquals(broken + ": process.user.uid: expected an unsigned 32-bit integer (0 to 4294967295), got -1",
                    assertThrows(InvocationTargetException.class, () -> read.invoke(null, broken)).getCause().getMessage());
        }
    }

    @Test
    void writingAndReadingAStateFileNeedsNoDataBinding(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("state.json");

        try (URLClassLoader isolated = withoutDataBinding()) {
            Class<?> json = isolated.loadClass(Json.class.getName());
            Class<?> valueWriter = isolated.loadClass(Json.ValueWriter.class.getName());
            Class<?> valueReader = isolated.loadClass(JsonInput.ValueReader.class.getName());
            InvocationHandler writeId = (proxy, method, args) -> {
                call(args[0], "writeStartObject");
                call(args[0], "writeStringField", "id", "c1");
                call(args[0], "writeEndObject");
                return null;
            };
            InvocationHandler readId = (proxy, method, args) -> {
                call(args[0], "beginObject");
                assertEquals("id", call(args[0], "nextField"));
                Object id = call(args[0], "string");
                assertEquals(null, call(args[0], "nextField"));
                return id;
            };

            json.getMethod("writeAtomically", Path.class, valueWriter).invoke(null, file, proxy(valueWriter, writeId));
            Object id = json.getMethod("read", Path.class, valueReader).invoke(null, file, proxy(valueReader, readId));

            assertEquals("c1", id);
            assertEquals("{\"id\":\"c1\"}", Files.readString(file));
        }
    }

    @Test
    void theIsolatedLoaderReallyLacksDataBinding() throws IOException {
        try (URLClassLoader isolated = withoutDataBinding()) {
            assertThrows(ClassNotFoundException.class,
                    () -> isolated.loadClass("com.fasterxml.jackson.databind.ObjectMapper"));
            assertSame(ClassLoader.getPlatformClassLoader(), isolated.getParent());
        }
    }

    /** berth-spec's classes and jackson-core, over the platform loader (not the test class path). */
    private static URLClassLoader withoutDataBinding() {
        URL spec = SpecReader.class.getProtectionDomain().getCodeSource().getLocation();
        URL jacksonCore = JsonParser.class.getProtectionDomain().getCodeSource().getLocation();
        return new URLClassLoader(new URL[] {spec, jacksonCore}, ClassLoader.getPlatformClassLoader());
    }

    private static Object proxy(Class<?> type, InvocationHandler handler) {
        return Proxy.newProxyInstance(type.getClassLoader(), new Class<?>[] {type}, handler);
    }

    /** Calls the public method {@code name} that takes {@code args.length} arguments. */
    private static Object call(Object target, String name, Object... args) throws Exception {
        for (Class<?> type = target.getClass(); type != null; type = type.getSuperclass()) {
            for (Method method : type.getMethods()) {
                if (method.getName().equals(name) && method.getParameterCount() == args.length
                        && (args.length == 0 || method.getParameterTypes()[0] == String.class)) {
                    return method.invoke(target, args);
                }
            }
        }
        throw new NoSuchMethodException(name);
    }
}
