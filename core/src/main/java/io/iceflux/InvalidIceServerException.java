package io.iceflux;

/** STUB until the URL work lands. */
public abstract class InvalidIceServerException extends IllegalArgumentException {
    protected InvalidIceServerException(String m) {
        super(m);
    }
}
