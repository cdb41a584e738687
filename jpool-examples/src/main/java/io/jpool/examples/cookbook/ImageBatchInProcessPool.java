package io.jpool.examples.cookbook;

import io.jpool.MapOptions;
import io.jpool.ProcessPool;
import io.jpool.ProgressBar;

import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;

/**
 * An image batch on a pool of 4 worker processes: open each JPEG, make it grayscale, resize it to
 * 256x256 and save it beside the original as {@code name_processed.jpg}. Only paths travel to the
 * workers and back, never images. The program first writes real JPEGs of its own into a temporary
 * directory, and deletes them at the end. Mirrors:
 *
 * <pre>{@code
 * def process(path):
 *     with Image.open(path) as img:
 *         out = img.convert("L").resize((256, 256))
 *         target = path.with_name(path.stem + "_processed.jpg")
 *         out.save(target)
 *         return str(target)
 *
 * with Pool(4) as pool:
 *     written = list(tqdm(pool.imap(process, paths), total=len(paths)))
 * print(f"wrote {len(written)} files")
 * }</pre>
 *
 * <p>{@link ProgressBar} is {@code tqdm}: redrawn in place on a terminal, plain lines in a log.
 */
public final class ImageBatchInProcessPool {
    static final int SIZE = 256;

    public static void main(String[] args) throws Exception {
        Path dir = Files.createTempDirectory("jpool-images");
        try {
            run(System.out, dir, 40, 4);
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.delete(p);
                }
            }
            System.out.println("deleted " + dir);
        }
    }

    /**
     * Writes {@code count} JPEGs into {@code dir}, processes them on {@code workers} processes and
     * returns the paths written.
     */
    public static List<Path> run(PrintStream out, Path dir, int count, int workers) throws Exception {
        List<String> inputs = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            inputs.add(writeSample(dir, i).toString());
        }
        out.println("generated " + count + " JPEGs in " + dir);

        List<Path> written = new ArrayList<>();
        long t0 = System.nanoTime();
        // headless: the workers draw off-screen and need no display
        try (ProcessPool pool = ProcessPool.builder().maxWorkers(workers).jvmOptions("-Djava.awt.headless=true").build()) {
            MapOptions options = MapOptions.defaults()
                    .onProgress(ProgressBar.to(out, "images", out == System.out && System.console() != null));
            for (String target : pool.map(ImageBatchInProcessPool::process, inputs, options)) {
                written.add(Path.of(target));
            }
        }
        long bytes = 0;
        for (Path p : written) {
            bytes += Files.size(p);
        }
        out.printf("wrote %d files (%d KiB) of %dx%d grayscale to %s in %d ms, e.g. %s%n", written.size(),
                bytes / 1024, SIZE, SIZE, dir, (System.nanoTime() - t0) / 1_000_000,
                written.isEmpty() ? "-" : written.get(0).getFileName());
        return written;
    }

    /** Runs in a worker: reads one file, writes its grayscale 256x256 twin, returns its path. */
    static String process(String path) throws IOException {
        Path in = Path.of(path);
        BufferedImage img = ImageIO.read(in.toFile());
        if (img == null) {
            throw new IOException(path + " is not an image ImageIO can read");
        }
        BufferedImage gray = new BufferedImage(SIZE, SIZE, BufferedImage.TYPE_BYTE_GRAY);
        Graphics2D g = gray.createGraphics(); // drawing into a gray image converts and scales at once
        g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
        g.drawImage(img, 0, 0, SIZE, SIZE, null);
        g.dispose();
        String name = in.getFileName().toString();
        Path target = in.resolveSibling(name.substring(0, name.lastIndexOf('.')) + "_processed.jpg");
        if (!ImageIO.write(gray, "jpg", target.toFile())) {
            throw new IOException("no JPEG writer in this JDK");
        }
        return target.toString();
    }

    /** A colourful sample photo of 640x480, different for each i. */
    static Path writeSample(Path dir, int i) throws IOException {
        BufferedImage img = new BufferedImage(640, 480, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, Color.getHSBColor(i / 12f, 0.8f, 1f), 640, 480, Color.BLUE));
        g.fillRect(0, 0, 640, 480);
        g.setColor(Color.WHITE);
        g.fillOval(40 + 10 * (i % 40), 100, 200, 200);
        g.dispose();
        Path p = dir.resolve(String.format("photo_%03d.jpg", i));
        ImageIO.write(img, "jpg", p.toFile());
        return p;
    }

    private ImageBatchInProcessPool() {
    }
}
