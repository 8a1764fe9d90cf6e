package io.iceflux;

import java.util.List;
import java.util.Optional;

/**
 * W3C {@code RTCIceServer}: URLs with optional long-term credentials. STUB: implemented by the URL work.
 */
public final class IceServer {
    private IceServer() {
    }

    public static IceServer of(String... urls) { throw new UnsupportedOperationException("stub"); }
    public static IceServer of(List<String> urls, String username, String credential) { throw new UnsupportedOperationException("stub"); }
    public List<String> urls() { throw new UnsupportedOperationException("stub"); }
    public List<IceServerUrl> parsedUrls() { throw new UnsupportedOperationException("stub"); }
    public Optional<String> username() { throw new UnsupportedOperationException("stub"); }
    public Optional<String> credential() { throw new UnsupportedOperationException("stub"); }
    public Optional<StunTimers> timers() { throw new UnsupportedOperationException("stub"); }
    public IceServer withTimers(StunTimers timers) { throw new UnsupportedOperationException("stub"); }
}
