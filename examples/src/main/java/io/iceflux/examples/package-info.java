/** IceFlux examples (filled in by later work; the module builds so the layout is fixed). */
package io.iceflux.examples;
