package dev.telltale.protocol;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class WireReaderTest {
    /** Field 1: a message holding field 1 = 300 and field 2 = "ab"; then field 2 = 5. */
    private static byte[] nested() {
        WireWriter inner = new WireWriter(16);
        inner.uint(1, 300);
        inner.string(2, "ab");
        WireWriter outer = new WireWriter(32);
        outer.bytes(1, inner.toByteArray());
        outer.uint(2, 5);
        return outer.toByteArray();
    }

    @Test
    void anEnteredMessageIsReadAloneAndReadingGoesOnAfterIt() {
        WireReader r = new WireReader(nested());
        assertEquals(1 << 3 | WireReader.LEN, r.readTag());
        int outer = r.enterMessage();
        assertEquals(1 << 3, r.readTag());
        assertEquals(300, r.readVarint());
        assertEquals(2 << 3 | WireReader.LEN, r.readTag());
        assertEquals("ab", r.readString(16));
        assertFalse(r.hasMore(), "the message's end is the end of what can be read");
        r.exitMessage(outer);
        assertEquals(2 << 3, r.readTag());
        assertEquals(5, r.readVarint());
        assertFalse(r.hasMore());
    }

    @Test
    void leavingAMessageHalfReadSkipsTheRestOfIt() {
        WireReader r = new WireReader(nested());
        r.readTag();
        int outer = r.enterMessage();
        r.readTag();
        r.exitMessage(outer);
        assertEquals(2 << 3, r.readTag());
        assertEquals(5, r.readVarint());
    }

    @Test
    void nothingIsReadPastAnEnteredMessageEvenWhenItsBytesSayOtherwise() {
        // A message of one byte, 0x96: a varint that continues into the byte after the message.
        byte[] b = {1 << 3 | WireReader.LEN, 1, (byte) 0x96, 0x01};
        WireReader r = new WireReader(b);
        r.readTag();
        r.enterMessage();
        ProtocolException e = assertThrows(ProtocolException.class, r::readVarint);
        assertTrue(e.getMessage().contains("truncated varint"), e.getMessage());
    }

    @Test
    void aMessageLongerThanWhatIsLeftIsRefused() {
        byte[] b = {1 << 3 | WireReader.LEN, 5, 1, 2};
        WireReader r = new WireReader(b);
        r.readTag();
        ProtocolException e = assertThrows(ProtocolException.class, r::enterMessage);
        assertEquals(ErrorCode.MALFORMED_FRAME, e.code());
    }

    @Test
    void varintsOfOneAndOfSeveralBytesStopAtTheRangesEnd() {
        WireWriter w = new WireWriter(32);
        w.writeVarint(127);
        w.writeVarint(128);
        w.writeVarint(Long.MAX_VALUE);
        byte[] b = w.toByteArray();
        WireReader r = new WireReader(b);
        assertEquals(127, r.readVarint());
        assertEquals(128, r.readVarint());
        assertEquals(Long.MAX_VALUE, r.readVarint());
        assertThrows(ProtocolException.class, r::readVarint, "nothing left");
        assertThrows(ProtocolException.class, () -> new WireReader(b, 0, 0).readVarint());
    }
}
