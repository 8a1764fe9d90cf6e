package io.iceflux.netty.internal.turn;

import io.iceflux.RelayCheck;
import io.iceflux.RelayCheckOptions;
import io.iceflux.ServerTransport;
import io.iceflux.netty.internal.transport.FailureTexts;
import io.iceflux.netty.internal.transport.StunTransportException;
import io.iceflux.netty.internal.transport.StunTransport;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.function.BiConsumer;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;
import reactor.core.scheduler.Scheduler;
import reactor.util.function.Tuple2;

/**
 * The data-path check of one TURN server (the library side of {@link RelayCheck}), in the spirit of coturn's
 * {@code turnutils_uclient -y}: two allocations on the server, A and B, each from its own socket or connection
 * ({@link TurnClient}, so authentication, 438, 300 and 437 are handled as for a gathering), then
 * <ol>
 *   <li>CreatePermission on A for B's relayed address (and for B's server-reflexive address when there is one), on
 *       B for A's relayed address;</li>
 *   <li><b>relay ↔ relay</b>: A sends {@link RelayCheckOptions#packets()} packets to B's relayed address (Send
 *       indications); B, receiving each as a Data indication, sends it back to A's relayed address; A measures the
 *       round trip;</li>
 *   <li><b>server-reflexive ↔ relay</b>, when B's Allocate response carried XOR-MAPPED-ADDRESS: B's UDP socket
 *       (over TCP/TLS, a UDP socket of this host given to the check) sends packets straight to A's relayed address,
 *       as a peer on the Internet would; A, receiving each as a Data indication, sends it back to where it came
 *       from; the socket measures the round trip. Going out from the socket first opens this host's NAT to A's
 *       relayed address, so a NAT that filters by address and port does not fail this path.</li>
 * </ol>
 * After the last send the check waits {@link RelayCheckOptions#linger()} for the echoes (less when all are back).
 * Every packet is 22 bytes: a marker byte that is neither STUN nor ChannelData, the path, the sequence number and a
 * random nonce of the check; anything else is ignored.
 *
 * <p>Outcome, never an error: the allocations failing gives {@code ok=false} with the error's code and text; the
 * permissions failing likewise; data not arriving gives {@code ok=false} and what did not arrive. The check is
 * {@code ok} when both paths tried carried at least one packet each way. The second path is the one that proves
 * what peers will see: coturn hands data sent to its own announced ({@code external-ip}) address straight to that
 * allocation, so two of its relays reach each other even when the announced address is wrong or the relay port
 * range is closed to the outside.
 *
 * <p>Both allocations are recorded on the caller's {@link RelayLedger}: the caller releases it (deleting them, or
 * letting a cancelled exchange clean up) whatever the outcome, then closes the transports.
 */
public final class RelayDataCheck {

    /** The advice of a check whose allocations succeeded but whose relayed data never arrived. */
    public static final String NO_DATA_ADVICE =
            "check relay-ip/external-ip and the firewall for the relay port range";

    static final int RELAY_PATH = 0;
    static final int SRFLX_PATH = 1;
    static final int PAYLOAD_LENGTH = 22;
    private static final byte MARKER = (byte) 0xC5;
    private static final int NONCE_OFFSET = 6;
    private static final int NONCE_LENGTH = PAYLOAD_LENGTH - NONCE_OFFSET;
    private static final SecureRandom RANDOM = new SecureRandom();

    private final String url;
    private final TurnRequest first;
    private final TurnRequest second;
    private final RelayCheckOptions options;
    private final Scheduler scheduler;
    private final byte[] nonce = new byte[NONCE_LENGTH];
    private final StunTransport outsideSocket;

    /**
     * A check of the server of {@code first} and {@code second}: two requests to the same server, each on a
     * transport of its own that the client owns ({@link TurnRequest#ownsTransport()}).
     *
     * @param url the URL as configured, for the result
     * @throws NullPointerException if an argument is null
     */
    public RelayDataCheck(String url, TurnRequest first, TurnRequest second, RelayCheckOptions options) {
        this(url, first, second, options, null);
    }

    /**
     * A check as above which, when the allocations are over TCP/TLS, sends the second path's packets from
     * {@code outsideSocket}, a UDP socket of this host (null: no second path over TCP/TLS). The caller closes it.
     */
    public RelayDataCheck(String url, TurnRequest first, TurnRequest second, RelayCheckOptions options,
            StunTransport outsideSocket) {
        this.url = Objects.requireNonNull(url, "url");
        this.first = Objects.requireNonNull(first, "first");
        this.second = Objects.requireNonNull(second, "second");
        this.options = Objects.requireNonNull(options, "options");
        this.scheduler = first.scheduler();
        this.outsideSocket = outsideSocket;
        RANDOM.nextBytes(nonce);
    }

    /**
     * Run the check, recording both allocate exchanges on {@code ledger}. Lazy; cancelling stops it (the ledger's
     * release then cleans up). Never fails on what the network does: the result says.
     */
    public Mono<RelayCheck> run(RelayLedger ledger) {
        Objects.requireNonNull(ledger, "ledger");
        return Mono.zip(new TurnClient(first).allocate(ledger), new TurnClient(second).allocate(ledger))
                .map(Allocations::new)
                .onErrorResume(e -> !(e instanceof Error), e -> Mono.just(new Allocations(e)))
                .flatMap(allocations -> allocations.failure != null
                        ? Mono.just(RelayCheck.failed(url, "TURN allocation failed: "
                                + describe(allocations.failure, "TURN allocate request")))
                        : permitThenMeasure(allocations.a, allocations.b));
    }

    /** Both allocations, or why they could not both be made. */
    private record Allocations(TurnAllocation a, TurnAllocation b, Throwable failure) {
        Allocations(Tuple2<TurnAllocation, TurnAllocation> both) {
            this(both.getT1(), both.getT2(), null);
        }

        Allocations(Throwable failure) {
            this(null, null, failure);
        }
    }

    /**
     * Where the second path's packets leave from: B's UDP socket (its server-reflexive address is B's mapped
     * address), or, over TCP/TLS, a UDP socket of this host, whose public IP address is taken to be that of B's
     * mapped address (a permission is for an IP address only).
     *
     * @param permit the address A permits for it
     * @param label  how the detail names it
     * @param socket the socket, or null for B's own
     */
    private record Outside(InetSocketAddress permit, String label, StunTransport socket) {
    }

    private Mono<RelayCheck> permitThenMeasure(TurnAllocation a, TurnAllocation b) {
        InetSocketAddress mapped = b.mappedAddress();
        Outside outside = null;
        if (mapped != null && second.protocol() == ServerTransport.UDP) {
            outside = new Outside(mapped, "srflx " + FailureTexts.address(mapped), null);
        } else if (mapped != null && outsideSocket != null) {
            outside = new Outside(mapped, "udp " + FailureTexts.address(outsideSocket.localAddress()), outsideSocket);
        }
        Outside srflx = outside;
        List<InetSocketAddress> peersOfA = srflx == null ? List.of(b.relayedAddress())
                : List.of(b.relayedAddress(), srflx.permit());
        Mono<Void> permits = Mono.when(a.permit(peersOfA), b.permit(List.of(a.relayedAddress())));
        return permits.then(Mono.<Throwable>empty())
                .onErrorResume(e -> !(e instanceof Error), Mono::just)
                .map(failure -> RelayCheck.failed(url, "allocations succeeded but CreatePermission failed: "
                        + describe(failure, "TURN create permission request")))
                .switchIfEmpty(Mono.defer(() -> measure(a, b, srflx)));
    }

    private Mono<RelayCheck> measure(TurnAllocation a, TurnAllocation b, Outside srflx) {
        int packets = options.packets();
        int paths = srflx == null ? 1 : 2;
        AtomicLongArray sentAt = new AtomicLongArray(paths * packets);
        AtomicLongArray rtt = new AtomicLongArray(paths * packets);
        AtomicInteger received = new AtomicInteger();
        Sinks.Empty<Void> allBack = Sinks.empty();
        InetSocketAddress relayA = a.relayedAddress();
        InetSocketAddress relayB = b.relayedAddress();
        Echoes echoes = (path, data) -> {
            int index = path * packets + sequence(data);
            long sent = sentAt.get(index);
            if (sent != 0 && rtt.compareAndSet(index, 0, Math.max(1, System.nanoTime() - sent))
                    && received.incrementAndGet() == paths * packets) {
                allBack.tryEmitEmpty();
            }
        };
        // A: relay path echoes come back; srflx path packets are sent back to where they came from
        a.listen((peer, data) -> {
            int path = pathOf(data, packets);
            if (path == RELAY_PATH) {
                echoes.back(path, data);
            } else if (path == SRFLX_PATH) {
                a.sendTo(peer, data);
            }
        }, (sender, data) -> { });
        // B: relay path packets go back to A's relayed address; srflx path echoes arrive beside the relay, on B's
        // socket or on the outside socket
        BiConsumer<InetSocketAddress, byte[]> outsideEchoes = (sender, data) -> {
            if (pathOf(data, packets) == SRFLX_PATH) {
                echoes.back(SRFLX_PATH, data);
            }
        };
        b.listen((peer, data) -> {
            if (pathOf(data, packets) == RELAY_PATH) {
                b.sendTo(relayA, data);
            }
        }, srflx != null && srflx.socket() == null ? outsideEchoes : (sender, data) -> { });
        if (srflx != null && srflx.socket() != null) {
            srflx.socket().unsolicited((frame, indication, sender) -> {
                if (indication != null || sender == null) {
                    return false;
                }
                outsideEchoes.accept(sender, ByteBufUtil.getBytes(frame));
                return true;
            });
        }
        return Flux.range(0, packets)
                .concatMap(i -> i == 0 || options.interval().isZero() ? Mono.just(i)
                        : Mono.delay(options.interval(), scheduler).thenReturn(i))
                .doOnNext(i -> {
                    sentAt.set(RELAY_PATH * packets + i, System.nanoTime());
                    a.sendTo(relayB, payload(RELAY_PATH, i));
                    if (srflx != null) {
                        sentAt.set(SRFLX_PATH * packets + i, System.nanoTime());
                        if (srflx.socket() == null) {
                            b.sendDirect(relayA, payload(SRFLX_PATH, i));
                        } else {
                            srflx.socket().send(Unpooled.wrappedBuffer(payload(SRFLX_PATH, i)), relayA);
                        }
                    }
                })
                .then(Mono.firstWithSignal(allBack.asMono(), Mono.delay(options.linger(), scheduler).then()))
                .then(Mono.fromCallable(() -> result(packets, srflx, relayA, sentAt, rtt)));
    }

    @FunctionalInterface
    private interface Echoes {
        void back(int path, byte[] data);
    }

    private RelayCheck result(int packets, Outside srflx, InetSocketAddress relayA, AtomicLongArray sentAt,
            AtomicLongArray rtt) {
        int paths = srflx == null ? 1 : 2;
        int[] sent = new int[paths];
        int[] back = new int[paths];
        List<Long> rtts = new ArrayList<>();
        for (int path = 0; path < paths; path++) {
            for (int i = 0; i < packets; i++) {
                int index = path * packets + i;
                if (sentAt.get(index) != 0) {
                    sent[path]++;
                }
                long r = rtt.get(index);
                if (r != 0) {
                    back[path]++;
                    rtts.add(r);
                }
            }
        }
        int totalSent = Arrays.stream(sent).sum();
        int totalBack = Arrays.stream(back).sum();
        Integer loss = totalSent == 0 ? null
                : (int) Math.round(100.0 * (totalSent - totalBack) / totalSent);
        Double median = null;
        if (!rtts.isEmpty()) {
            Collections.sort(rtts);
            int n = rtts.size();
            long nanos = n % 2 == 1 ? rtts.get(n / 2) : (rtts.get(n / 2 - 1) + rtts.get(n / 2)) / 2;
            median = Math.round(nanos / 1_000.0) / 1_000.0;
        }
        String relayPath = "relay <-> relay " + back[RELAY_PATH] + "/" + sent[RELAY_PATH] + " echoed";
        String srflxPath = srflx == null ? null : srflx.label() + " <-> relay "
                + FailureTexts.address(relayA) + " " + back[SRFLX_PATH] + "/" + sent[SRFLX_PATH] + " echoed";
        boolean relayOk = back[RELAY_PATH] > 0;
        boolean srflxOk = srflx == null || back[SRFLX_PATH] > 0;
        String detail;
        if (totalBack == 0) {
            detail = "allocations succeeded but no relayed data arrived (" + totalSent + " sent, 0 received): "
                    + NO_DATA_ADVICE;
        } else if (!srflxOk) {
            // coturn hands data sent to its own announced (external-ip) address straight to that allocation: two
            // of its relays reach each other even when no peer outside can reach either
            detail = "allocations succeeded but no relayed data arrived from outside the server ("
                    + srflx.label() + " -> relay " + FailureTexts.address(relayA) + ": "
                    + sent[SRFLX_PATH] + " sent, 0 received; relay <-> relay " + back[RELAY_PATH] + "/"
                    + sent[RELAY_PATH] + " came back inside the server): " + NO_DATA_ADVICE;
        } else if (!relayOk) {
            detail = "allocations succeeded but no data came back between the two relayed addresses ("
                    + relayPath + "; " + srflxPath + "): " + NO_DATA_ADVICE;
        } else {
            detail = "relayed data flows: " + relayPath + (srflxPath == null ? "" : ", " + srflxPath)
                    + "; median rtt " + String.format(Locale.ROOT, "%.3f", median) + " ms"
                    + (loss != null && loss > 0 ? ", " + loss + "% lost" : "");
        }
        return new RelayCheck(url, relayOk && srflxOk, median, loss, totalSent, totalBack, detail);
    }

    /** The payload of packet {@code sequence} of {@code path}. */
    byte[] payload(int path, int sequence) {
        byte[] data = new byte[PAYLOAD_LENGTH];
        data[0] = MARKER;
        data[1] = (byte) path;
        data[2] = (byte) (sequence >>> 24);
        data[3] = (byte) (sequence >>> 16);
        data[4] = (byte) (sequence >>> 8);
        data[5] = (byte) sequence;
        System.arraycopy(nonce, 0, data, NONCE_OFFSET, NONCE_LENGTH);
        return data;
    }

    /** The path of a payload of this check with a sequence number below {@code packets}, or -1 for anything else. */
    private int pathOf(byte[] data, int packets) {
        if (data.length != PAYLOAD_LENGTH || data[0] != MARKER
                || !Arrays.equals(data, NONCE_OFFSET, PAYLOAD_LENGTH, nonce, 0, NONCE_LENGTH)) {
            return -1;
        }
        int sequence = sequence(data);
        if (sequence < 0 || sequence >= packets || (data[1] != RELAY_PATH && data[1] != SRFLX_PATH)) {
            return -1;
        }
        return data[1];
    }

    private static int sequence(byte[] data) {
        return (data[2] & 0xFF) << 24 | (data[3] & 0xFF) << 16 | (data[4] & 0xFF) << 8 | data[5] & 0xFF;
    }

    /**
     * Say what went wrong in the words of the gathering's errors: the server's code and reason phrase, or 701 and
     * what failed, or 600 and why the answer was unusable.
     */
    static String describe(Throwable failure, String request) {
        if (failure instanceof StunTransportException.ErrorResponse error) {
            return error.code() + " " + error.reason();
        }
        if (failure instanceof StunTransportException.Timeout) {
            return "701 " + request + " timed out.";
        }
        if (failure instanceof StunTransportException.UnusableAddress unusable) {
            return "600 " + unusable.getMessage();
        }
        if (failure instanceof StunTransportException transport) {
            return "701 " + transport.getMessage();
        }
        return FailureTexts.describe(failure);
    }
}
