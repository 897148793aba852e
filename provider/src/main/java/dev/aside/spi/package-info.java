/** The JCache service-provider entry point: {@link dev.aside.spi.AsideCachingProvider}. */
package dev.aside.spi;
