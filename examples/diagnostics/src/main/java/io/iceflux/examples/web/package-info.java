/**
 * The IceFlux diagnostics web application: a Spring Boot WebFlux server whose page at {@code /} gathers
 * candidates for the ICE servers a user enters twice, from the server's network with IceFlux (streamed as
 * Server-Sent Events by {@code POST /api/gather}) and from the browser's own {@code RTCPeerConnection}, and shows
 * both side by side.
 */
package io.iceflux.examples.web;
