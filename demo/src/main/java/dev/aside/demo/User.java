package dev.aside.demo;

import java.io.Serializable;

/** A row of the demo's user table; {@code version} grows by one with every update. */
public record User(long id, String name, String email, long version) implements Serializable {
}
