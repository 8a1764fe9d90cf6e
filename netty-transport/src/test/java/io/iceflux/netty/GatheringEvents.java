package io.iceflux.netty;

import static io.iceflux.IceGatheringState.COMPLETE;
import static io.iceflux.IceGatheringState.GATHERING;
import static org.assertj.core.api.Assertions.assertThat;

import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceEvent;
import io.iceflux.IceProtocol;
import java.util.List;

/** What the gathering tests assert on: the events of generation 0, seen as comparable values. */
public final class GatheringEvents {

    public static final IceEvent GATHERING_0 = new IceEvent.GatheringStateChanged(0, GATHERING);
    public static final IceEvent END_0 = new IceEvent.EndOfCandidates(0);
    public static final IceEvent COMPLETE_0 = new IceEvent.GatheringStateChanged(0, COMPLETE);

    private GatheringEvents() {
    }

    /** A candidate with the fields a test checks (foundation and priority are checked apart). */
    public record Cand(IceCandidate.Type type, IceProtocol protocol, String address, int port, String relatedAddress,
            Integer relatedPort, String url) {
    }

    /** The UDP host candidate on 127.0.0.1:{@code port}. */
    public static Cand host(int port) {
        return new Cand(IceCandidate.Type.HOST, IceProtocol.UDP, "127.0.0.1", port, null, null, null);
    }

    /** A candidate event as a {@link Cand} (checking it is of generation 0, component 1); other events as they are. */
    public static Object view(IceEvent event) {
        if (event instanceof IceEvent.CandidateGathered gathered) {
            IceCandidate c = gathered.candidate();
            assertThat(gathered.generation()).isZero();
            assertThat(c.component()).isEqualTo(1);
            return new Cand(c.type(), c.protocol(), c.address(), c.port(), c.relatedAddress(), c.relatedPort(),
                    c.url());
        }
        return event;
    }

    /** Exactly these events, in this order (candidates as {@link Cand}). */
    public static void assertEvents(List<IceEvent> events, Object... expected) {
        assertThat(events.stream().map(GatheringEvents::view).toList()).containsExactly(expected);
    }

    /**
     * GATHERING, the host candidate, {@code middle} in any order (they race), end of candidates, COMPLETE; every
     * server-reflexive and relayed candidate has a lower priority than the host candidate.
     */
    public static void assertOneGeneration(List<IceEvent> events, int hostPort, Object... middle) {
        List<Object> views = events.stream().map(GatheringEvents::view).toList();
        assertThat(views).as("events %s", views).hasSize(middle.length + 4);
        assertThat(views.subList(0, 2)).containsExactly(GATHERING_0, host(hostPort));
        assertThat(views.subList(2, 2 + middle.length)).containsExactlyInAnyOrder(middle);
        assertThat(views.subList(2 + middle.length, views.size())).containsExactly(END_0, COMPLETE_0);
        IceCandidate host = candidates(events, IceCandidate.Type.HOST).get(0);
        assertThat(candidates(events, IceCandidate.Type.SRFLX))
                .allSatisfy(c -> assertThat(c.priority()).isLessThan(host.priority()));
        assertThat(candidates(events, IceCandidate.Type.RELAY))
                .allSatisfy(c -> assertThat(c.priority()).isLessThan(host.priority()));
    }

    /** The candidates of this type, in order. */
    public static List<IceCandidate> candidates(List<IceEvent> events, IceCandidate.Type type) {
        return events.stream().filter(IceEvent.CandidateGathered.class::isInstance)
                .map(e -> ((IceEvent.CandidateGathered) e).candidate()).filter(c -> c.type() == type).toList();
    }

    /** The errors, in order. */
    public static List<IceCandidateError> errors(List<IceEvent> events) {
        return events.stream().filter(IceEvent.CandidateError.class::isInstance)
                .map(e -> ((IceEvent.CandidateError) e).error()).toList();
    }

    /** The port of the one host candidate (failing if there is not exactly one). */
    public static int hostPort(List<IceEvent> events) {
        List<IceCandidate> hosts = candidates(events, IceCandidate.Type.HOST);
        assertThat(hosts).as("one host candidate in %s", events).hasSize(1);
        return hosts.get(0).port();
    }
}
