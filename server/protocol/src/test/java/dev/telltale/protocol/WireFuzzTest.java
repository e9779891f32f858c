package dev.telltale.protocol;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;

/**
 * Coverage-guided fuzzing of everything that parses bytes from agents. Under plain
 * {@code mvn verify} it replays its corpus; {@code JAZZER_FUZZ=1} fuzzes for real (see the
 * README). The contract: bad input raises {@link ProtocolException} and nothing else.
 */
class WireFuzzTest {

    @FuzzTest(maxDuration = "60s")
    void batchesAndHellos(FuzzedDataProvider data) {
        boolean zstd = data.consumeBoolean();
        int which = data.consumeInt(0, 4);
        byte[] bytes = data.consumeRemainingAsBytes();
        try {
            switch (which) {
                case 0 -> {
                    try (BatchDecoder d = new BatchDecoder(zstd ? Compression.ZSTD : Compression.NONE, 1 << 20, 10_000)) {
                        d.decode(bytes, 0, bytes.length);
                    }
                }
                case 1 -> Hello.decode(bytes, 0, bytes.length);
                case 2 -> GapFrame.decode(bytes, 0, bytes.length);
                case 3 -> Ping.decode(bytes, 0, bytes.length);
                default -> dev.telltale.protocol.event.EventCodec.decode(bytes, 0, bytes.length, true);
            }
        } catch (ProtocolException expected) {
            // refused with a code: what the contract asks
        }
    }
}
