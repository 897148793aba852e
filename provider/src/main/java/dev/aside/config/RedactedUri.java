package dev.aside.config;

import java.net.URI;
import java.net.URISyntaxException;

/**
 * The one way a connection URI is shown anywhere (log lines, exceptions, {@code toString}, MBean
 * names, metric tags): its password replaced by {@code ***}.
 *
 * <p>The user information is what precedes the authority's last '@', read from the raw authority
 * rather than {@link URI#getUserInfo()}, which is null for an authority with several hosts (a
 * Sentinel URI). Without a colon the user information is all password, as Lettuce reads it; with
 * one, the user name stays. Text that is not a URI is masked from its scheme to its last '@', since
 * its structure is unknown.
 */
public final class RedactedUri {
  private RedactedUri() {}

  /** The URI text with any password replaced by {@code ***}. */
  public static String of(URI uri) {
    String authority = uri.getRawAuthority();
    if (authority == null) {
      return uri.isOpaque() ? ofUnparsed(uri.toString()) : uri.toString();
    }
    int at = authority.lastIndexOf('@');
    if (at >= 0) {
      String userInfo = authority.substring(0, at);
      int colon = userInfo.indexOf(':');
      String user = colon < 0 ? "" : userInfo.substring(0, colon + 1);
      authority = user + "***" + authority.substring(at);
    }
    StringBuilder text = new StringBuilder();
    if (uri.getScheme() != null) {
      text.append(uri.getScheme()).append(':');
    }
    text.append("//").append(authority);
    if (uri.getRawPath() != null) {
      text.append(uri.getRawPath());
    }
    if (uri.getRawQuery() != null) {
      text.append('?').append(uri.getRawQuery());
    }
    if (uri.getRawFragment() != null) {
      text.append('#').append(uri.getRawFragment());
    }
    return text.toString();
  }

  /** Text meant as a URI, redacted: parsed when it parses, else masked from the scheme to its last '@'. */
  public static String of(String text) {
    try {
      return of(new URI(text));
    } catch (URISyntaxException e) {
      return ofUnparsed(text);
    }
  }

  /* Everything between the scheme and the last '@' may be a password, so all of it is masked. */
  private static String ofUnparsed(String text) {
    int at = text.lastIndexOf('@');
    if (at < 0) {
      return text;
    }
    int start = text.indexOf("://");
    start = start >= 0 && start < at ? start + 3 : Math.max(0, text.indexOf(':') + 1);
    if (start > at) {
      start = 0;
    }
    return text.substring(0, start) + "***" + text.substring(at);
  }
}
