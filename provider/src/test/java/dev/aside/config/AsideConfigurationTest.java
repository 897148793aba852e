package dev.aside.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.cache.configuration.MutableConfiguration;
import org.junit.jupiter.api.Test;

class AsideConfigurationTest {

  @Test
  void defaults() {
    AsideConfiguration<Object, Object> configuration = new AsideConfiguration<>();

    assertThat(configuration.getDeserializationAllowlist()).isEmpty();
    assertThat(configuration.getKeyType()).isEqualTo(Object.class);
    assertThat(configuration.isStoreByValue()).isTrue();
  }

  @Test
  void copyOfAnAsideConfigurationKeepsAsideSettings() {
    AsideConfiguration<String, Long> original = new AsideConfiguration<>();
    original.setTypes(String.class, Long.class);
    original.setDeserializationAllowlist(List.of("com.acme.**"));

    AsideConfiguration<String, Long> copy = new AsideConfiguration<>(original);

    assertThat(copy.getDeserializationAllowlist()).containsExactly("com.acme.**");
    assertThat(copy.getKeyType()).isEqualTo(String.class);
    assertThat(copy).isEqualTo(original).hasSameHashCodeAs(original);
  }

  @Test
  void copyOfAMutableConfigurationTakesAsideDefaults() {
    MutableConfiguration<String, Long> original = new MutableConfiguration<String, Long>()
        .setTypes(String.class, Long.class).setStatisticsEnabled(true);

    AsideConfiguration<String, Long> copy = new AsideConfiguration<>(original);

    assertThat(copy.getDeserializationAllowlist()).isEmpty();
    assertThat(copy.isStatisticsEnabled()).isTrue();
  }

  @Test
  void equalityIncludesTheAllowlist() {
    AsideConfiguration<Object, Object> first = new AsideConfiguration<>();
    AsideConfiguration<Object, Object> second = new AsideConfiguration<>();
    assertThat(first).isEqualTo(second).hasSameHashCodeAs(second);

    second.setDeserializationAllowlist(List.of("com.acme.*"));

    assertThat(first).isNotEqualTo(second);
    assertThat(first.hashCode()).isNotEqualTo(second.hashCode());
    assertThat(first).isNotEqualTo(new MutableConfiguration<>());
  }

  @Test
  void allowlistIsValidatedAndCopied() {
    List<String> patterns = new ArrayList<>(List.of(" com.acme.dto.* ", "com.acme.Value"));
    AsideConfiguration<Object, Object> configuration = new AsideConfiguration<>();

    configuration.setDeserializationAllowlist(patterns);
    patterns.clear();

    assertThat(configuration.getDeserializationAllowlist()).containsExactly("com.acme.dto.*", "com.acme.Value");
    assertThatThrownBy(() -> configuration.getDeserializationAllowlist().add("x"))
        .isInstanceOf(UnsupportedOperationException.class);
    assertThatThrownBy(() -> configuration.setDeserializationAllowlist(List.of("!com.acme.*")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> configuration.setDeserializationAllowlist(List.of("*")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> configuration.setDeserializationAllowlist(Arrays.asList("a.B", null)))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void serializable() throws IOException, ClassNotFoundException {
    AsideConfiguration<String, String> configuration = new AsideConfiguration<>();
    configuration.setTypes(String.class, String.class);
    configuration.setDeserializationAllowlist(List.of("com.acme.*"));
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(configuration);
    }

    Object copy;
    try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
      copy = in.readObject();
    }

    assertThat(copy).isEqualTo(configuration);
  }
}
