package io.iceflux.examples.web;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Optional;

/**
 * The password the page asks for: the first line of the file named by {@value #FILE_PROPERTY}, or the environment
 * variable {@value #ENVIRONMENT}. Only its SHA-256 digest is kept, and a candidate is compared digest to digest with
 * {@link MessageDigest#isEqual}, which takes the same time wherever the two differ (and, the digests being of one
 * length, says nothing of the password's length). No message and no {@code toString} holds the password.
 */
final class PagePassword {

    /** The property naming the file whose first line is the password. */
    static final String FILE_PROPERTY = "iceflux.diagnostics.password-file";
    /** The environment variable the password is read from when no file is named. */
    static final String ENVIRONMENT = "ICEFLUX_DIAGNOSTICS_PASSWORD";
    /** The fewest characters a password may have: the page answers as many guesses as it is sent. */
    static final int MIN_LENGTH = 12;

    private final byte[] digest;

    private PagePassword(String password) {
        this.digest = sha256(password);
    }

    /**
     * The password from {@code file}, else from {@code fromEnvironment} (the value of {@value #ENVIRONMENT}), else
     * none.
     *
     * @throws IllegalArgumentException naming the property or the variable and what is wrong — both set, a file that
     *                                  cannot be read, an empty password or one shorter than {@value #MIN_LENGTH}
     *                                  characters — never the password
     */
    static Optional<PagePassword> load(Path file, String fromEnvironment) {
        if (file != null) {
            if (fromEnvironment != null) {
                throw new IllegalArgumentException("set " + FILE_PROPERTY + " or the environment variable " + ENVIRONMENT
                        + ", not both");
            }
            String content;
            try {
                content = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException | RuntimeException e) {
                throw new IllegalArgumentException(FILE_PROPERTY + " " + file + ": cannot read it ("
                        + e.getClass().getSimpleName() + ")");
            }
            return Optional.of(checked(firstLine(content), FILE_PROPERTY + " " + file));
        }
        if (fromEnvironment != null) {
            return Optional.of(checked(firstLine(fromEnvironment), "the environment variable " + ENVIRONMENT));
        }
        return Optional.empty();
    }

    private static PagePassword checked(String password, String where) {
        if (password.isBlank()) {
            throw new IllegalArgumentException(where + ": the password is empty");
        }
        if (password.codePointCount(0, password.length()) < MIN_LENGTH) {
            throw new IllegalArgumentException(where + ": the password is shorter than " + MIN_LENGTH
                    + " characters (e.g. openssl rand -base64 18 makes a good one)");
        }
        return new PagePassword(password);
    }

    private static String firstLine(String text) {
        int end = text.indexOf('\n');
        String line = end < 0 ? text : text.substring(0, end);
        return line.endsWith("\r") ? line.substring(0, line.length() - 1) : line;
    }

    /** Whether {@code candidate} is the password, in a time that does not depend on where they differ. */
    boolean matches(String candidate) {
        return MessageDigest.isEqual(digest, sha256(candidate));
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }

    @Override
    public String toString() {
        return "PagePassword[not shown]";
    }
}
