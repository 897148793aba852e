/** Aside's health in Spring Boot Actuator. */
package dev.aside.spring.boot.health;
