package dev.berth.image.layer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * A tar stream that also hands out the raw bytes of each entry's {@code SCHILY.xattr.*} PAX
 * records.
 *
 * <p>Why: a PAX record is length-prefixed ("{@code 40 SCHILY.xattr.security.capability=...\n}"),
 * so its value may be any bytes, and Go's archive/tar (Docker, BuildKit) writes xattr values
 * verbatim: security.capability is a binary vfs_cap_data. commons-compress 1.28 decodes every
 * value as UTF-8 ({@code TarUtils.parsePaxHeaders}), which turns such bytes into U+FFFD for good.
 * The library reads an extended header's records through this stream's own
 * {@link #read(byte[], int, int)} while that header is the current entry, so they are copied
 * here as they pass and parsed again as bytes. {@link #xattrs} cross-checks the result against
 * the library's own parse, so a library that stopped reading this way fails loudly instead of
 * silently dropping values.
 */
final class XattrTarInputStream extends TarArchiveInputStream {
    static final String XATTR_PAX_PREFIX = "SCHILY.xattr.";

    private final ByteArrayOutputStream paxRecords = new ByteArrayOutputStream();
    /** getNextEntry recurses (extended header, then the entry it describes): only the outer call resets. */
    private int depth;

    XattrTarInputStream(InputStream in) {
        super(in);
    }

    @Override
    public TarArchiveEntry getNextEntry() throws IOException {
        if (depth == 0) {
            paxRecords.reset();
        }
        depth++;
        try {
            return super.getNextEntry();
        } finally {
            depth--;
        }
    }

    @Override
    public int read(byte[] buf, int offset, int length) throws IOException {
        int n = super.read(buf, offset, length);
        TarArchiveEntry current = getCurrentEntry();
        // isPaxHeader: typeflag 'x' (or Solaris 'X'), a header for the next entry only; global
        // 'g' headers are not captured (see xattrs).
        if (n > 0 && current != null && current.isPaxHeader()) {
            paxRecords.write(buf, offset, n);
        }
        return n;
    }

    /**
     * The xattrs of {@code entry}, the entry {@link #getNextEntry()} just returned: name (without
     * the SCHILY.xattr. prefix) to raw value, in header order.
     */
    Map<String, byte[]> xattrs(TarArchiveEntry entry) throws LayerException {
        Map<String, byte[]> raw = null;
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        for (Map.Entry<String, String> header : entry.getExtraPaxHeaders().entrySet()) {
            String key = header.getKey();
            if (!key.startsWith(XATTR_PAX_PREFIX)) {
                continue;
            }
            if (raw == null) {
                raw = records(paxRecords.toByteArray());
            }
            byte[] value = raw.get(key);
            if (value == null || !new String(value, StandardCharsets.UTF_8).equals(header.getValue())) {
                // Not in this entry's own extended header (a global one, or a library that reads
                // differently): the decoded value is exact only if decoding lost nothing.
                if (header.getValue().indexOf('\uFFFD') >= 0) {
                    throw new LayerException("entry '" + entry.getName() + "': xattr " + key
                            + " is not UTF-8 and its raw bytes could not be recovered from the PAX header");
                }
                value = header.getValue().getBytes(StandardCharsets.UTF_8);
            }
            xattrs.put(key.substring(XATTR_PAX_PREFIX.length()), value);
        }
        return xattrs;
    }

    /**
     * Parses PAX records, "{@code <length> <key>=<value>\n}" where length counts the whole record
     * (POSIX pax, "pax Extended Header"). Later records win, as in the library. Anything
     * malformed ends the parse: the library has validated the header already.
     */
    static Map<String, byte[]> records(byte[] data) {
        Map<String, byte[]> records = new HashMap<>();
        int position = 0;
        while (position < data.length) {
            int space = position;
            long length = 0;
            while (space < data.length && data[space] >= '0' && data[space] <= '9' && length < data.length) {
                length = length * 10 + (data[space] - '0');
                space++;
            }
            if (space == position || space >= data.length || data[space] != ' ' || length <= space - position
                    || position + length > data.length || data[(int) (position + length - 1)] != '\n') {
                break; // NUL padding after the last record, or damage
            }
            int end = (int) (position + length - 1);
            int equals = space + 1;
            while (equals < end && data[equals] != '=') {
                equals++;
            }
            if (equals < end) {
                String key = new String(data, space + 1, equals - space - 1, StandardCharsets.UTF_8);
                byte[] value = new byte[end - equals - 1];
                System.arraycopy(data, equals + 1, value, 0, value.length);
                records.put(key, value);
            }
            position = (int) (position + length);
        }
        return records;
    }
}
