/** Aside's own meters in Micrometer, with stable tags. */
package dev.aside.spring.boot.metrics;
