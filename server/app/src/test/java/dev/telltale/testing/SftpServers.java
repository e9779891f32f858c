package dev.telltale.testing;

import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.file.virtualfs.VirtualFileSystemFactory;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.auth.password.PasswordAuthenticator;
import org.apache.sshd.server.auth.pubkey.PublickeyAuthenticator;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.sftp.server.SftpSubsystemFactory;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/** A real SFTP server in this JVM (MINA SSHD) on a loopback port, serving {@code root}. */
public final class SftpServers {
    private SftpServers() {
    }

    /** The started server and its host key's fingerprint as OpenSSH prints it. */
    public record Running(SshServer server, String fingerprint) {
    }

    public static Running start(Path root, Path hostKeyFile, PasswordAuthenticator passwords,
                                Optional<PublickeyAuthenticator> keys) throws IOException {
        SshServer sshd = SshServer.setUpDefaultServer();
        sshd.setHost("127.0.0.1");
        sshd.setPort(0);
        SimpleGeneratorHostKeyProvider hostKeys = new SimpleGeneratorHostKeyProvider(hostKeyFile);
        sshd.setKeyPairProvider(hostKeys);
        sshd.setPasswordAuthenticator(passwords);
        keys.ifPresent(sshd::setPublickeyAuthenticator);
        sshd.setSubsystemFactories(List.of(new SftpSubsystemFactory()));
        sshd.setFileSystemFactory(new VirtualFileSystemFactory(root));
        sshd.start();
        return new Running(sshd, KeyUtils.getFingerPrint(hostKeys.loadKeys(null).iterator().next().getPublic()));
    }
}
