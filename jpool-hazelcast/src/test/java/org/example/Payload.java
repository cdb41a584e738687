package org.example;

import java.io.Serializable;

/** A result class outside jpool's packages, for the allow-list test. */
public record Payload(String text) implements Serializable {
}
