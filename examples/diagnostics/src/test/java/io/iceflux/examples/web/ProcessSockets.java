package io.iceflux.examples.web;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The UDP sockets this process holds open (Linux): the entries of {@code /proc/self/net/udp} and {@code udp6} (every
 * UDP socket of the network namespace) whose inode is one of this process's file descriptors.
 */
final class ProcessSockets {

    private ProcessSockets() {
    }

    /** Count this process's open UDP sockets, IPv4 and IPv6. */
    static int udp() {
        try {
            Set<String> udpInodes = new HashSet<>();
            for (String table : List.of("/proc/self/net/udp", "/proc/self/net/udp6")) {
                Path path = Path.of(table);
                if (!Files.exists(path)) {
                    continue;
                }
                List<String> lines = Files.readAllLines(path);
                for (String line : lines.subList(1, lines.size())) {
                    String[] fields = line.trim().split("\\s+");
                    udpInodes.add(fields[9]);
                }
            }
            int count = 0;
            try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
                for (Path fd : fds) {
                    String target;
                    try {
                        target = Files.readSymbolicLink(fd).toString();
                    } catch (NoSuchFileException closedMeanwhile) {
                        continue;
                    }
                    if (target.startsWith("socket:[")
                            && udpInodes.contains(target.substring("socket:[".length(), target.length() - 1))) {
                        count++;
                    }
                }
            }
            return count;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list this process's sockets in /proc/self", e);
        }
    }
}
