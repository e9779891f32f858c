package dev.telltale.loadgen;

import java.util.List;

/**
 * What an observed call was doing, with the frames a real stack for it has: the libc entry
 * point, the JDK native method that calls it, and the JDK Java methods above that
 * (innermost first). Names are checked against this machine's libraries and JDK classes when
 * stacks are built; a frame the machine does not have is left out.
 */
enum StackOp {
    FILE_OPEN("open64", "libnio.so:Java_sun_nio_fs_UnixNativeDispatcher_open0",
            "sun.nio.fs.UnixNativeDispatcher.open0", "sun.nio.fs.UnixNativeDispatcher.open",
            "sun.nio.fs.UnixChannelFactory.open", "sun.nio.fs.UnixChannelFactory.newFileChannel",
            "sun.nio.fs.UnixFileSystemProvider.newByteChannel", "java.nio.file.Files.newByteChannel",
            "java.nio.file.Files.newInputStream"),
    FILE_READ("read", "libjava.so:Java_java_io_FileInputStream_readBytes",
            "java.io.FileInputStream.readBytes", "java.io.FileInputStream.read", "java.io.BufferedInputStream.fill",
            "java.io.BufferedInputStream.read"),
    FILE_WRITE("write", "libjava.so:Java_java_io_FileOutputStream_writeBytes",
            "java.io.FileOutputStream.writeBytes", "java.io.FileOutputStream.write",
            "java.io.BufferedOutputStream.flushBuffer", "java.io.BufferedOutputStream.flush"),
    FILE_CREATE("open64", "libjava.so:Java_java_io_FileOutputStream_open0",
            "java.io.FileOutputStream.open0", "java.io.FileOutputStream.open", "java.io.FileOutputStream.<init>"),
    FILE_UNLINK("unlink", "libnio.so:Java_sun_nio_fs_UnixNativeDispatcher_unlink0",
            "sun.nio.fs.UnixNativeDispatcher.unlink0", "sun.nio.fs.UnixNativeDispatcher.unlink",
            "sun.nio.fs.UnixFileSystemProvider.implDelete", "sun.nio.fs.AbstractFileSystemProvider.deleteIfExists",
            "java.nio.file.Files.deleteIfExists"),
    FILE_RENAME("rename", "libnio.so:Java_sun_nio_fs_UnixNativeDispatcher_rename0",
            "sun.nio.fs.UnixNativeDispatcher.rename0", "sun.nio.fs.UnixNativeDispatcher.rename",
            "sun.nio.fs.UnixFileSystem.move", "sun.nio.fs.UnixFileSystemProvider.move", "java.nio.file.Files.move"),
    FILE_TRUNCATE("ftruncate64", "libnio.so:Java_sun_nio_ch_UnixFileDispatcherImpl_truncate0",
            "sun.nio.ch.UnixFileDispatcherImpl.truncate0", "sun.nio.ch.UnixFileDispatcherImpl.truncate",
            "sun.nio.ch.FileChannelImpl.truncate"),
    NET_CONNECT("connect", "libnio.so:Java_sun_nio_ch_Net_connect0",
            "sun.nio.ch.Net.connect0", "sun.nio.ch.Net.connect", "sun.nio.ch.NioSocketImpl.connect",
            "java.net.SocksSocketImpl.connect", "java.net.Socket.connect"),
    NET_BIND("bind", "libnio.so:Java_sun_nio_ch_Net_bind0",
            "sun.nio.ch.Net.bind0", "sun.nio.ch.Net.bind", "sun.nio.ch.ServerSocketChannelImpl.netBind",
            "sun.nio.ch.ServerSocketChannelImpl.bind", "sun.nio.ch.ServerSocketAdaptor.bind"),
    NET_ACCEPT("accept4", "libnio.so:Java_sun_nio_ch_Net_accept",
            "sun.nio.ch.Net.accept", "sun.nio.ch.ServerSocketChannelImpl.implAccept",
            "sun.nio.ch.ServerSocketChannelImpl.accept"),
    NET_DNS("getaddrinfo", "libnet.so:Java_java_net_Inet6AddressImpl_lookupAllHostAddr",
            "java.net.Inet6AddressImpl.lookupAllHostAddr", "java.net.InetAddress$PlatformResolver.lookupByName",
            "java.net.InetAddress.getAddressesFromNameService", "java.net.InetAddress$NameServiceAddresses.get",
            "java.net.InetAddress.getAllByName0", "java.net.InetAddress.getAllByName"),
    PROCESS("posix_spawn", "libjava.so:Java_java_lang_ProcessImpl_forkAndExec",
            "java.lang.ProcessImpl.forkAndExec", "java.lang.ProcessImpl.<init>", "java.lang.ProcessImpl.start",
            "java.lang.ProcessBuilder.start"),
    IDENTITY("setresuid", null),
    LOAD_JAR("openat64", "libnio.so:Java_sun_nio_fs_UnixNativeDispatcher_open0",
            "sun.nio.fs.UnixNativeDispatcher.open0", "sun.nio.fs.UnixChannelFactory.open",
            "java.util.zip.ZipFile$Source.<init>", "java.util.zip.ZipFile$Source.get",
            "java.util.zip.ZipFile$CleanableResource.<init>", "java.util.zip.ZipFile.<init>",
            "java.util.jar.JarFile.<init>", "jdk.internal.loader.URLClassPath$JarLoader.getJarFile"),
    LOAD_LIBRARY("dlopen", "libjvm.so:JVM_LoadLibrary",
            "jdk.internal.loader.NativeLibraries.load", "jdk.internal.loader.NativeLibraries$NativeLibraryImpl.open",
            "jdk.internal.loader.NativeLibraries.loadLibrary", "java.lang.ClassLoader.loadLibrary",
            "java.lang.Runtime.loadLibrary0", "java.lang.System.loadLibrary"),
    API("mprotect", null),
    MEMORY("strcpy", null);

    final String libcSymbol;
    final String nativeFrame;
    final List<String> javaFrames;

    StackOp(String libcSymbol, String nativeFrame, String... javaFrames) {
        this.libcSymbol = libcSymbol;
        this.nativeFrame = nativeFrame;
        this.javaFrames = List.of(javaFrames);
    }
}
