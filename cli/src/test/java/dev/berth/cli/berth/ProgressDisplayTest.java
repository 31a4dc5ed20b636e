package dev.berth.cli.berth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * The layer lines of pull and push: one line per change of state for logs; redrawn in place on a
 * terminal with ECMA-48 CUU (ESC [ n A, cursor up n lines) and EL (ESC [ 2 K, erase the line).
 */
class ProgressDisplayTest {
    private static final String UP = "\033[";
    private static final String ERASE = "\r\033[2K";

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

    private String printed() {
        return bytes.toString(StandardCharsets.UTF_8);
    }

    @Test
    void withoutATerminalEveryStateIsOneLineAndByteCountsAreNotShown() {
        ProgressDisplay display = new ProgressDisplay(out, false, false);
        display.message("1: Pulling from 127.0.0.1:5000/app");
        display.state("aaaaaaaaaaaa", "Pulling fs layer");
        display.state("bbbbbbbbbbbb", "Pulling fs layer");
        display.progress("aaaaaaaaaaaa", "Downloading", 10, 100);
        display.state("aaaaaaaaaaaa", "Download complete");
        display.state("aaaaaaaaaaaa", "Pull complete");
        display.finish();
        display.message("Digest: sha256:00");
        assertEquals("""
                1: Pulling from 127.0.0.1:5000/app
                aaaaaaaaaaaa: Pulling fs layer
                bbbbbbbbbbbb: Pulling fs layer
                aaaaaaaaaaaa: Download complete
                aaaaaaaaaaaa: Pull complete
                Digest: sha256:00
                """, printed().replace(System.lineSeparator(), "\n"));
    }

    @Test
    void quietPrintsNothing() {
        ProgressDisplay display = new ProgressDisplay(out, true, true);
        display.message("m");
        display.state("a", "Pulling fs layer");
        display.progress("a", "Downloading", 1, 2);
        display.finish();
        assertEquals("", printed());
    }

    @Test
    void onATerminalEachFrameGoesBackUpOverThePreviousOne() {
        ProgressDisplay display = new ProgressDisplay(out, true, false);
        display.state("a", "Pulling fs layer");
        assertEquals(ERASE + "a: Pulling fs layer\n", printed(), "the first frame moves nothing up");
        bytes.reset();

        display.state("b", "Pulling fs layer");
        assertEquals(UP + "1A" + ERASE + "a: Pulling fs layer\n" + ERASE + "b: Pulling fs layer\n", printed());
        bytes.reset();

        display.state("a", "Download complete");
        assertEquals(UP + "2A" + ERASE + "a: Download complete\n" + ERASE + "b: Pulling fs layer\n", printed(),
                "a line keeps its place when its state changes");
    }

    @Test
    void progressIsDrawnAsABarWithSizesAndFinishDrawsTheLastState() {
        ProgressDisplay display = new ProgressDisplay(out, true, false);
        display.state("a", "Pulling fs layer");
        display.progress("a", "Downloading", 500, 1000);
        bytes.reset();
        // Whether progress() drew depends on the clock (ten frames a second); finish() always draws.
        display.finish();
        assertEquals(UP + "1A" + ERASE + "a: Downloading [" + "=".repeat(20) + ">" + " ".repeat(19) + "] 500B/1kB\n",
                printed());
    }

    @Test
    void aMessageOnATerminalStartsAFreshBlockOfLines() {
        ProgressDisplay display = new ProgressDisplay(out, true, false);
        display.state("a", "Pushed");
        bytes.reset();
        display.message("1: digest: sha256:00");
        assertEquals(UP + "1A" + ERASE + "a: Pushed\n1: digest: sha256:00" + System.lineSeparator(), printed(),
                "the layer lines are drawn one last time, then the message below them");
        bytes.reset();
        display.state("c", "Preparing");
        assertEquals(ERASE + "c: Preparing\n", printed(), "nothing above the message is redrawn");
    }

    @Test
    void barsAreFortyCellsWide() {
        assertEquals("[>" + " ".repeat(39) + "]", ProgressDisplay.bar(0, 100));
        assertEquals("[>" + " ".repeat(39) + "]", ProgressDisplay.bar(5, 0), "an unknown total shows no progress");
        assertEquals("[" + "=".repeat(10) + ">" + " ".repeat(29) + "]", ProgressDisplay.bar(25, 100));
        assertEquals("[" + "=".repeat(40) + "]", ProgressDisplay.bar(100, 100));
        assertEquals("[" + "=".repeat(40) + "]", ProgressDisplay.bar(150, 100), "a restart past the total is capped");
        assertTrue(ProgressDisplay.bar(99, 100).endsWith(">]"));
    }
}
