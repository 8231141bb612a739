package io.nucleon.cli.platform;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The local platform's state: {@code $NUCLEON_HOME/functions/NAME/} holds {@code function.yaml} (resolved),
 * {@code deployment.json}, {@code processor.log} and {@code code/}. Directories and files are readable by
 * the owner only: {@code admin.token} lives here too.
 */
public final class StateDirectory {

    /** The environment variable that moves the state directory from {@code ~/.nucleon}. */
    public static final String ENV = "NUCLEON_HOME";

    static final String CONFIG = "function.yaml";
    static final String DEPLOYMENT = "deployment.json";
    static final String CODE = "code";
    static final String TOKEN = "admin.token";
    /** Suffix of the files a replacing processor starts with, renamed once it is ready. */
    static final String NEXT = ".next";
    /** The supervisor's own log, when the function asks for restarts. */
    static final String SUPERVISOR_LOG = "supervisor.log";

    private static final int TOKEN_BYTES = 32;
    private static final SecureRandom RANDOM = new SecureRandom();

    private static final Set<PosixFilePermission> OWNER_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_FILE = PosixFilePermissions.fromString("rw-------");

    private final Path home;

    /** @param home the state directory ({@code $NUCLEON_HOME}) */
    public StateDirectory(Path home) {
        this.home = home.toAbsolutePath().normalize();
    }

    /**
     * @param env the value of {@value #ENV}, or null
     * @return the state directory it names, else {@code ~/.nucleon}
     */
    public static StateDirectory fromEnvironment(String env) {
        return new StateDirectory(
                env == null || env.isBlank() ? Path.of(System.getProperty("user.home"), ".nucleon") : Path.of(env));
    }

    /** @return the state directory itself */
    public Path home() {
        return home;
    }

    /**
     * @param replica a replica's index
     * @return its processor log's name: {@code processor.log} for replica 0, {@code processor-N.log} for the others
     */
    static String log(int replica) {
        return replica == 0 ? "processor.log" : "processor-" + replica + ".log";
    }

    /** @return the name of the log of replica {@code replica}'s processor that the last redeploy replaced */
    static String previousLog(int replica) {
        return log(replica).replace(".log", ".previous.log");
    }

    /** @return the name of the log of a replica that a redeploy could not start (the running ones were kept) */
    static String failedLog(int replica) {
        return log(replica).replace(".log", ".failed.log");
    }

    /**
     * @return the function's lock file, {@code locks/NAME.lock}: outside the function's directory, which a
     *     delete removes while the lock is held
     */
    Path lockFile(String name) {
        Path locks = home.resolve("locks");
        try {
            Files.createDirectories(home.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + home.getParent(), e);
        }
        createPrivateDir(home);
        createPrivateDir(locks);
        return locks.resolve(name + ".lock");
    }

    Path functionDir(String name) {
        return home.resolve("functions").resolve(name);
    }

    Path file(String name, String file) {
        return functionDir(name).resolve(file);
    }

    List<String> names() {
        Path functions = home.resolve("functions");
        if (!Files.isDirectory(functions)) {
            return List.of();
        }
        try (Stream<Path> dirs = Files.list(functions)) {
            return dirs.filter(dir -> Files.isRegularFile(dir.resolve(CONFIG)))
                    .map(dir -> dir.getFileName().toString())
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * @param name a function name
     * @return its {@code deployment.json}, or empty when it has none (or the name is not a valid one)
     */
    Optional<Deployment> readDeployment(String name) {
        if (!FunctionNames.isValid(name)) {
            return Optional.empty();
        }
        Path file = file(name, DEPLOYMENT);
        try {
            return Optional.of(Deployment.fromJson(Files.readString(file), file));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new PlatformException("cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    /** Replaces the function's {@code deployment.json} atomically. */
    void writeDeployment(Deployment deployment) {
        writePrivate(file(deployment.name(), DEPLOYMENT), deployment.toJson());
    }

    /** Creates the function's directory (and the ones above it) readable by the owner only. */
    Path createFunctionDir(String name) {
        Path dir = functionDir(name);
        try {
            Files.createDirectories(home.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + home.getParent(), e);
        }
        for (Path each : List.of(home, home.resolve("functions"), dir)) {
            createPrivateDir(each);
        }
        return dir;
    }

    void writePrivate(Path file, String content) {
        try {
            Path temp = file.resolveSibling(file.getFileName() + ".tmp");
            Files.deleteIfExists(temp);
            Files.createFile(temp, PosixFilePermissions.asFileAttribute(OWNER_FILE));
            Files.writeString(temp, content);
            Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    static Path createPrivateFile(Path file) {
        try {
            Files.deleteIfExists(file);
            return Files.createFile(file, PosixFilePermissions.asFileAttribute(OWNER_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    /**
     * Writes a new admin token: 32 random bytes from {@link SecureRandom}, URL-safe base64 without padding,
     * in a file only the owner can read or write.
     *
     * @return the token
     */
    String writeToken(Path file) {
        byte[] bytes = new byte[TOKEN_BYTES];
        RANDOM.nextBytes(bytes);
        String token = Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        writePrivate(file, token + "\n");
        return token;
    }

    /**
     * @return a code directory no running processor uses: {@code code-N/}, N one more than the highest there
     */
    Path nextCodeDir(String name) {
        int highest = 0;
        for (Path dir : codeDirs(name)) {
            String suffix = dir.getFileName().toString().substring(CODE.length());
            if (suffix.matches("-[0-9]{1,9}")) {
                highest = Math.max(highest, Integer.parseInt(suffix.substring(1)));
            }
        }
        return file(name, CODE + "-" + (highest + 1));
    }

    /** @return the function's code directories: {@code code/} and {@code code-N/} */
    List<Path> codeDirs(String name) {
        Path dir = functionDir(name);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> dirs = new ArrayList<>();
            files.filter(Files::isDirectory)
                    .filter(f -> f.getFileName().toString().equals(CODE)
                            || f.getFileName().toString().startsWith(CODE + "-"))
                    .forEach(dirs::add);
            return dirs;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Renames {@code from} to {@code to}, replacing it; nothing happens when {@code from} does not exist. */
    static void moveIfExists(Path from, Path to) {
        try {
            if (Files.exists(from)) {
                Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot rename " + from + " to " + to, e);
        }
    }

    static void deleteIfExists(Path file) {
        try {
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + file, e);
        }
    }

    /** Replaces {@code code} (a directory) with a copy of {@code source} (a directory). */
    Path installCode(Path code, Path source) {
        deleteRecursively(code);
        createPrivateDir(code);
        try (Stream<Path> files = Files.walk(source)) {
            for (Path from : (Iterable<Path>) files::iterator) {
                Path to = code.resolve(source.relativize(from).toString());
                if (Files.isDirectory(from)) {
                    Files.createDirectories(to);
                } else {
                    Files.copy(from, to, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy the function's code to " + code, e);
        }
        return code;
    }

    void deleteFunction(String name) {
        deleteRecursively(functionDir(name));
    }

    static void deleteRecursively(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + root, e);
        }
    }

    private static void createPrivateDir(Path dir) {
        try {
            Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_DIR));
        } catch (FileAlreadyExistsException e) {
            // made by an earlier deploy
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
