package com.acme.shop;

import java.io.Serializable;

/** A product of the README's example; cached values must be Serializable and allowed by allow-classes. */
public record Product(long id, String name) implements Serializable {}
