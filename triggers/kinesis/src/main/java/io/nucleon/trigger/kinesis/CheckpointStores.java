package io.nucleon.trigger.kinesis;

import io.nucleon.config.ConfigNode;
import io.nucleon.trigger.kinesis.KinesisTriggerConfig.CheckpointSettings;
import io.nucleon.trigger.kinesis.spi.CheckpointStore;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Path;

/** Opens the checkpoint store a trigger's {@code checkpoint} section names. */
final class CheckpointStores {

    private CheckpointStores() {}

    /**
     * @param settings the {@code checkpoint} section
     * @param context the function, trigger and stream the checkpoints belong to
     * @return the open store
     * @throws IllegalStateException when it cannot be opened
     */
    static CheckpointStore open(CheckpointSettings settings, CheckpointStore.Context context) {
        return switch (settings.store()) {
            case CheckpointSettings.FILE ->
                new FileCheckpointStore(
                        settings.path()
                                .orElseGet(() -> defaultDirectory(context.functionName()))
                                .resolve(context.triggerName() + ".properties"),
                        context.streamName());
            case CheckpointSettings.REDIS ->
                new RedisCheckpointStore(settings.url(), RedisCheckpointStore.key(context), context.streamName());
            default -> instantiate(settings.store(), context);
        };
    }

    /** {@code $NUCLEON_HOME/checkpoints/<function>}, with {@code ~/.nucleon} when NUCLEON_HOME is not set. */
    static Path defaultDirectory(String functionName) {
        String home = System.getenv("NUCLEON_HOME");
        Path base =
                home == null || home.isBlank() ? Path.of(System.getProperty("user.home"), ".nucleon") : Path.of(home);
        return base.resolve("checkpoints").resolve(functionName);
    }

    /** Fails at configuration time when a store class cannot be used, naming the field. */
    static void checkClass(String className, ConfigNode where) {
        try {
            constructor(className);
        } catch (IllegalArgumentException e) {
            throw where.error(e.getMessage());
        }
    }

    private static CheckpointStore instantiate(String className, CheckpointStore.Context context) {
        try {
            return constructor(className).newInstance(context);
        } catch (InvocationTargetException e) {
            throw new IllegalStateException(
                    "checkpoint store " + className + " failed to open: " + e.getCause(), e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot create checkpoint store " + className + ": " + e, e);
        }
    }

    private static Constructor<? extends CheckpointStore> constructor(String className) {
        Class<?> type;
        try {
            type = Class.forName(className, false, loader());
        } catch (ClassNotFoundException | LinkageError e) {
            throw new IllegalArgumentException("must be file, redis, or the name of a class implementing "
                    + CheckpointStore.class.getName() + " on the processor's classpath; class '" + className
                    + "' was not found");
        }
        if (!CheckpointStore.class.isAssignableFrom(type)) {
            throw new IllegalArgumentException(
                    "class '" + className + "' does not implement " + CheckpointStore.class.getName());
        }
        try {
            return type.asSubclass(CheckpointStore.class).getConstructor(CheckpointStore.Context.class);
        } catch (NoSuchMethodException e) {
            throw new IllegalArgumentException("class '" + className + "' needs a public constructor taking "
                    + CheckpointStore.Context.class.getCanonicalName());
        }
    }

    private static ClassLoader loader() {
        ClassLoader context = Thread.currentThread().getContextClassLoader();
        return context != null ? context : CheckpointStores.class.getClassLoader();
    }

    /** @return a Redis URL with its password (if any) replaced by {@code ****} */
    static String redact(String url) {
        int scheme = url.indexOf("://");
        int at = url.lastIndexOf('@');
        if (scheme < 0 || at < scheme) {
            return url;
        }
        String userInfo = url.substring(scheme + 3, at);
        int colon = userInfo.indexOf(':');
        String user = colon < 0 ? "" : userInfo.substring(0, colon);
        return url.substring(0, scheme + 3) + user + ":****" + url.substring(at);
    }
}
