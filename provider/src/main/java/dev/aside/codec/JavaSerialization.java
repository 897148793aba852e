package dev.aside.codec;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputFilter;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;

/** Java serialization for keys and values, reading only what the cache's {@link DeserializationFilter} allows. */
final class JavaSerialization {
  private JavaSerialization() {}

  static byte[] serialize(Object object) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
    try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
      out.writeObject(object);
    } catch (IOException e) {
      throw new IllegalArgumentException("Cannot serialize a " + object.getClass().getName(), e);
    }
    return bytes.toByteArray();
  }

  /** Reads the object serialized in {@code bytes} from {@code from}; the filter vets each class before it is loaded. */
  static Object deserialize(byte[] bytes, int from, DeserializationFilter filter, ClassLoader classLoader)
      throws UndecodableValueException {
    DeserializationFilter.Check check = filter.newCheck();
    try (ObjectInputStream in = new FilteredObjectInputStream(
        new ByteArrayInputStream(bytes, from, bytes.length - from), check, classLoader)) {
      return in.readObject();
    } catch (IOException | ClassNotFoundException | RuntimeException e) {
      String disallowed = check.disallowedClass();
      if (disallowed != null) {
        throw new UndecodableValueException("Java-serialized value needs class " + disallowed
            + ", which the deserialization allowlist does not allow", e, disallowed);
      }
      throw new UndecodableValueException("Java-serialized bytes rejected or corrupt: " + e.getMessage(), e);
    }
  }

  /** An ObjectInputStream that resolves classes through the cache's class loader, behind the allowlist. */
  private static final class FilteredObjectInputStream extends ObjectInputStream {
    private final ClassLoader classLoader;

    FilteredObjectInputStream(InputStream in, ObjectInputFilter filter, ClassLoader classLoader)
        throws IOException {
      super(in);
      this.classLoader = classLoader;
      setObjectInputFilter(filter);
    }

    @Override
    protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
      try {
        return Class.forName(desc.getName(), false, classLoader);
      } catch (ClassNotFoundException e) {
        return super.resolveClass(desc);
      }
    }
  }
}
