package io.iceflux.examples.probe;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.iceflux.IceCandidate;
import io.iceflux.IceCandidateError;
import io.iceflux.IceEvent;
import io.iceflux.RelayCheck;
import io.iceflux.examples.common.ProbeJson;
import io.iceflux.examples.common.ServerCheck;
import io.iceflux.examples.common.TerminalText;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.util.List;

/** Writes the events of a probe as they happen and the verdicts at the end. */
interface ProbeOutput {

    /**
     * Write the outcome of one relay data-path check that ended {@code t} ms after gathering started; the JSON output
     * carries it in the summary only.
     */
    default void relayCheck(RelayCheck check, long t) {
    }

    /** Write one event that happened {@code t} ms after gathering started. */
    void event(IceEvent event, long t);

    /**
     * Write the per-server verdicts of {@code generation} at {@code t} ms; {@code exitCode} is that generation's
     * (what the probe returns when it is the only one).
     */
    void summary(List<ServerCheck> checks, int exitCode, int generation, long t);

    /**
     * Lines for people: time, type and details of each event, then one verdict per server. Every text that came
     * from elsewhere (reason phrases and addresses from the network, URLs from the user) is shown through
     * {@link TerminalText}: control characters escaped, so that each record is one line and a server cannot draw on
     * the terminal, and reason phrases cut after {@value TerminalText#MAX_FIELD_CHARS} characters.
     */
    final class Human implements ProbeOutput {
        private final PrintWriter out;
        private final boolean restarting;

        /** Lines on {@code out}; {@code restarting}: more than one generation, each verdict names its own. */
        Human(PrintWriter out, boolean restarting) {
            this.out = out;
            this.restarting = restarting;
        }

        /** One line per relay check: time, OK or FAIL, the URL and the check's detail. */
        @Override
        public void relayCheck(RelayCheck check, long t) {
            // the detail is built by the library; only a server's reason phrase in it came from the network
            out.printf("%6d ms  relay-check %-4s %s  %s%n", t, check.ok() ? "OK" : "FAIL",
                    TerminalText.escape(check.url()), TerminalText.line(check.detail()));
            out.flush();
        }

        @Override
        public void event(IceEvent event, long t) {
            String line;
            if (event instanceof IceEvent.GatheringStateChanged s) {
                line = "state              " + s.state().w3cName() + " (generation " + s.generation() + ")";
            } else if (event instanceof IceEvent.CandidateGathered c) {
                IceCandidate cand = c.candidate();
                line = String.format("candidate %-5s %s %s%s  %s", cand.type().sdpName(),
                        cand.protocol().w3cName(), TerminalText.field(ServerCheck.hostPort(cand.address(),
                                cand.port())),
                        cand.url() == null ? "" : " from " + TerminalText.escape(cand.url()),
                        TerminalText.escape(cand.toSdp()));
            } else if (event instanceof IceEvent.CandidateError e) {
                IceCandidateError err = e.error();
                line = "error     " + err.errorCode() + " " + TerminalText.field(err.errorText()) + "  url "
                        + TerminalText.escape(err.url())
                        + (err.address() == null ? ""
                                : "  local " + TerminalText.field(ServerCheck.hostPort(err.address(), err.port())))
                        + "  (not fatal: gathering goes on)";
            } else {
                line = "end-of-candidates  (generation " + event.generation() + ")";
            }
            out.printf("%6d ms  %s%n", t, line);
            out.flush();
        }

        @Override
        public void summary(List<ServerCheck> checks, int exitCode, int generation, long t) {
            out.println();
            if (restarting) {
                out.printf("Verdict of generation %d after %d ms:%n", generation, t);
            } else {
                out.printf("Verdict after %d ms:%n", t);
            }
            for (ServerCheck check : checks) {
                out.printf("  %-4s %s: %s%n", check.ok() ? "OK" : "FAIL", TerminalText.escape(check.url()),
                        check.verdict(TerminalText::field));
            }
            long failed = checks.stream().filter(c -> !c.ok()).count();
            if (restarting) {
                out.printf("%d of %d server URL(s) did not give what the URL promises in generation %d.%n", failed,
                        checks.size(), generation);
            } else if (failed == 0) {
                out.println("Every server gave what its URL promises (exit status 0).");
            } else {
                out.printf("%d of %d server URL(s) did not give what the URL promises (exit status %d).%n", failed,
                        checks.size(), exitCode);
            }
            out.flush();
        }
    }

    /** One JSON object per line: the contract documented in the README. */
    final class Json implements ProbeOutput {
        private final PrintWriter out;
        private final ObjectMapper mapper;

        Json(PrintWriter out, ObjectMapper mapper) {
            this.out = out;
            this.mapper = mapper;
        }

        @Override
        public void event(IceEvent event, long t) {
            write(ProbeJson.event(mapper, event, t));
        }

        @Override
        public void summary(List<ServerCheck> checks, int exitCode, int generation, long t) {
            write(ProbeJson.probeSummary(mapper, checks, exitCode, generation, t));
        }

        /** Write the summary of a run that probed nothing because of a usage error (exit status 2). */
        void usageError(String message) {
            write(ProbeJson.usageErrorSummary(mapper, message));
        }

        private void write(ObjectNode node) {
            try {
                out.println(mapper.writeValueAsString(node));
            } catch (JsonProcessingException e) {
                throw new UncheckedIOException(e);
            }
            out.flush();
        }
    }
}
