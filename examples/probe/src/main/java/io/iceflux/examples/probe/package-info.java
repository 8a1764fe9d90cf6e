/**
 * {@code iceflux-probe}: a command line tool that gathers candidates from the STUN and TURN servers you name and
 * says, per server, whether it gave what its URL promises. Run it without arguments to see it work against an
 * embedded server on loopback.
 */
package io.iceflux.examples.probe;
