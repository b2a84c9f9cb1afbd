using System.Runtime.InteropServices;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace FromScratch.Persistence;

/// <summary>
/// The file-system rules shared by saved parameters and dataset files: read only regular files (never block on a FIFO or
/// read a device without end), temporary names that fit any file system, and a full disk recognised as such.
/// </summary>
internal static class SafeFile
{
    /// <summary>The longest file name (in UTF-8 bytes) that ext4, XFS, Btrfs, tmpfs, APFS and NTFS all accept.</summary>
    public const int MaxNameBytes = 255;

    /// <summary>
    /// Opens <paramref name="path"/> for reading if it is a regular file (a symbolic link to one is fine).
    /// </summary>
    /// <exception cref="FileNotFoundException">Nothing is there.</exception>
    /// <exception cref="UnauthorizedAccessException">Permission denied.</exception>
    /// <exception cref="IOException">A directory, FIFO, device or socket (the message says which, as "it is a FIFO …"), or any other I/O fault.</exception>
    public static FileStream OpenRead(string path, int bufferSize = 1 << 16)
    {
        if (OperatingSystem.IsLinux())
            try { return OpenReadLinux(path, bufferSize); }
            catch (Exception e) when (e is DllNotFoundException or EntryPointNotFoundException) { }   // not glibc (e.g. musl): below
        // Elsewhere: what .NET can tell without blocking. (FIFOs in a data folder are a Unix hazard; Windows has none.)
        if (Directory.Exists(path)) throw new IOException("it is a directory, not a regular file");
        if (!File.Exists(path)) throw new FileNotFoundException($"{path} does not exist", path);
        if (OperatingSystem.IsWindows() && File.GetAttributes(path).HasFlag(FileAttributes.Device))
            throw new IOException("it is a device, not a regular file");
        return new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize);
    }

    // open(2) with O_NONBLOCK returns at once even for a FIFO without a writer; statx(2) on the descriptor then says what
    // it is, so a FIFO, a device or a directory is refused before a single byte is read.
    private const int O_RDONLY = 0, O_NONBLOCK = 0x800, O_CLOEXEC = 0x80000, AT_EMPTY_PATH = 0x1000;
    private const uint STATX_TYPE = 0x1;
    private const int ENOENT = 2, EPERM = 1, EACCES = 13, EINTR = 4;

    [DllImport("libc.so.6", SetLastError = true, EntryPoint = "open")]
    private static extern int Open([MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags);

    [DllImport("libc.so.6", SetLastError = true, EntryPoint = "statx")]
    private static extern int Statx(int dirfd, [MarshalAs(UnmanagedType.LPUTF8Str)] string path, int flags, uint mask, byte[] buffer);

    private static FileStream OpenReadLinux(string path, int bufferSize)
    {
        int fd;
        do fd = Open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
        while (fd < 0 && Marshal.GetLastPInvokeError() == EINTR);
        if (fd < 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            string why = Marshal.GetPInvokeErrorMessage(errno);
            throw errno switch
            {
                ENOENT => new FileNotFoundException($"{path} does not exist", path),
                EACCES or EPERM => new UnauthorizedAccessException($"permission denied ({why})"),
                _ => new IOException(why, errno),
            };
        }
        var handle = new SafeFileHandle(fd, ownsHandle: true);
        try
        {
            var status = new byte[256];                         // struct statx; stx_mode is the uint16 at offset 28
            if (Statx(fd, "", AT_EMPTY_PATH, STATX_TYPE, status) == 0)
            {
                int type = BitConverter.ToUInt16(status, 28) & 0xF000;
                if (type != 0x8000) throw new IOException($"it is {Kind(type)}, not a regular file");
            }
            return new FileStream(handle, FileAccess.Read, bufferSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    private static string Kind(int type) => type switch
    {
        0x1000 => "a FIFO (named pipe)",
        0x2000 => "a character device",
        0x4000 => "a directory",
        0x6000 => "a block device",
        0xC000 => "a socket",
        _ => $"a special file (type 0x{type:X4})",
    };

    /// <summary>
    /// A fresh temporary path beside <paramref name="path"/>: <c>.NAME.RANDOM.SUFFIX</c>, with NAME shortened (never
    /// splitting a character) so that the whole name fits <see cref="MaxNameBytes"/> even when the target's name already does.
    /// </summary>
    public static string TemporaryPath(string path, string suffix, bool hidden = true)
    {
        string full = Path.GetFullPath(path);
        string name = Path.GetFileName(full);
        string tail = $".{Guid.NewGuid():N}.{suffix}";
        int room = MaxNameBytes - (hidden ? 1 : 0) - Encoding.UTF8.GetByteCount(tail);
        var kept = new StringBuilder();
        int bytes = 0;
        foreach (var rune in name.EnumerateRunes())
        {
            if (bytes + rune.Utf8SequenceLength > room) break;
            bytes += rune.Utf8SequenceLength;
            kept.Append(rune.ToString());
        }
        return Path.Combine(Path.GetDirectoryName(full)!, (hidden ? "." : "") + kept + tail);
    }

    /// <summary>True when <paramref name="e"/> means the disk (or the user's quota) is full.</summary>
    public static bool IsDiskFull(Exception e) => e is IOException io && io.HResult is
        28 or 122                                      // Linux ENOSPC, EDQUOT
        or 69                                          // macOS EDQUOT (ENOSPC is 28 there too)
        or unchecked((int)0x80070070) or unchecked((int)0x80070027);   // Windows ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL

    /// <summary>Free space for the current user on the file system of <paramref name="directory"/>, when it can be told.</summary>
    public static long? FreeBytes(string directory)
    {
        try { return new DriveInfo(Path.GetFullPath(directory)).AvailableFreeSpace; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException) { return null; }
    }

    /// <summary>Deletes a file if it can; a file that is already gone or cannot be deleted is left as it is.</summary>
    public static void TryDelete(string path)
    {
        try { File.Delete(path); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
