import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashMap;
import java.util.Map;

/**
 * Runs Kafka (kafka.Kafka) with two ways for the workshop to end it that work on every OS.
 *
 * The marker -Dkafka.workshop=lifetime=…&dir=…&… (URL-encoded, so it holds no spaces) says how:
 * - lifetime=ephemeral: stdin is a pipe from the workshop process that started this broker. When
 *   that process ends, however it ends (Ctrl+C, a crash, kill -9), the pipe closes, and this JVM
 *   deletes its throw-away folder (root, else dir) and halts. Nothing outlives the command that
 *   started it.
 * - stop=FILE: when FILE appears, Kafka shuts down cleanly, as on SIGTERM. Windows has no SIGTERM
 *   (Node's kill there is a hard kill), so kafka:stop asks this way on every OS.
 *
 * Compiled once per machine by workshop/broker/launcher.ts; it uses only the JDK, and Kafka
 * through reflection, so it compiles without the Kafka jars.
 */
public final class WorkshopKafka {
  private WorkshopKafka() {}

  public static void main(String[] args) throws Exception {
    Map<String, String> marker = parse(System.getProperty("kafka.workshop", ""));
    if ("ephemeral".equals(marker.get("lifetime"))) {
      daemon("workshop-owner-watch", () -> watchOwner(marker.getOrDefault("root", marker.get("dir"))));
    }
    String stopFile = marker.get("stop");
    if (stopFile != null) {
      daemon("workshop-stop-file", () -> watchStopFile(Paths.get(stopFile)));
    }
    Class.forName("kafka.Kafka").getMethod("main", String[].class).invoke(null, (Object) args);
  }

  /** Blocks until the owner's end of the pipe closes, then removes the throw-away data and halts. */
  private static void watchOwner(String dir) {
    InputStream in = System.in;
    byte[] buffer = new byte[256];
    try {
      while (in.read(buffer) != -1) {
        // the owner writes nothing; reading only waits for the end of the stream
      }
    } catch (IOException gone) {
      // a broken pipe means the same as its end
    }
    System.err.println("[workshop] the process that started this broker has ended: stopping now");
    if (dir != null && !dir.isEmpty()) deleteThrowAwayFolder(Paths.get(dir));
    // halt, not exit: a throw-away broker needs no clean shutdown, and a cluster's brokers would
    // otherwise wait minutes for a controller that is going away at the same moment
    Runtime.getRuntime().halt(0);
  }

  private static void watchStopFile(Path stopFile) {
    for (;;) {
      if (Files.exists(stopFile)) {
        try {
          Files.deleteIfExists(stopFile);
        } catch (IOException ignored) {
          // asked once is enough
        }
        System.err.println("[workshop] stop requested: shutting down cleanly");
        System.exit(0);
      }
      try {
        Thread.sleep(250);
      } catch (InterruptedException stopped) {
        return;
      }
    }
  }

  private static void daemon(String name, Runnable body) {
    Thread thread = new Thread(body, name);
    thread.setDaemon(true);
    thread.start();
  }

  private static Map<String, String> parse(String query) {
    Map<String, String> values = new HashMap<>();
    for (String pair : query.split("&")) {
      int at = pair.indexOf('=');
      if (at <= 0) continue;
      values.put(
          URLDecoder.decode(pair.substring(0, at), StandardCharsets.UTF_8),
          URLDecoder.decode(pair.substring(at + 1), StandardCharsets.UTF_8));
    }
    return values;
  }

  /**
   * A cluster's nodes all see their owner end at the same moment and delete the same folder side
   * by side, while the other nodes' Kafka may still write a checkpoint into it: one pass can meet
   * files that vanish under it or appear after it, so it tries a few passes.
   */
  private static void deleteThrowAwayFolder(Path root) {
    for (int pass = 0; pass < 20 && Files.exists(root); pass++) {
      if (pass > 0) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException stopped) {
          return;
        }
      }
      deleteQuietly(root);
    }
  }

  private static void deleteQuietly(Path root) {
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<Path>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              try {
                Files.deleteIfExists(file);
              } catch (IOException ignored) {
                // a file still open elsewhere (Windows): the folder is swept by kafka:stop -- --all
              }
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException failed) {
              // deleted by a sibling node in the meantime: go on with the rest
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException failed) {
              try {
                Files.deleteIfExists(dir);
              } catch (IOException ignored) {
                // not empty: see above
              }
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException ignored) {
      // already gone
    }
  }
}
