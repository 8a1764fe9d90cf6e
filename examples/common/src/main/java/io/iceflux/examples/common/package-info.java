/**
 * What the {@code iceflux-probe} command line tool and the diagnostics web application share: the per-URL checks
 * and verdicts ({@link io.iceflux.examples.common.ServerChecks}), the JSON objects of the probe's {@code --json}
 * contract that the page also streams ({@link io.iceflux.examples.common.ProbeJson}), the reader of
 * {@code RTCConfiguration} JSON ({@link io.iceflux.examples.common.RtcConfigurationFile}), and what makes a
 * server's text safe for a terminal ({@link io.iceflux.examples.common.TerminalText}).
 */
package io.iceflux.examples.common;
