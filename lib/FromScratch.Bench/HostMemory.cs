namespace FromScratch.Bench;

/// <summary>What the host of a virtual machine does with the guest's memory, as far as the guest can see it.</summary>
internal static class HostMemory
{
    /// <summary>
    /// Whether this virtual machine hands free memory back to its host: a virtio memory balloon (device 5) that negotiated
    /// free page reporting (feature bit 5). Linux then reports every free block of 2^order pages (order 9: 2 MiB, the size
    /// of a huge page) to the host, which takes it away; the next page fault there waits for the host. Null when not, or unknown.
    /// </summary>
    public static string? FreePageReporting(string sys = "/sys")
    {
        try
        {
            string devices = Path.Combine(sys, "bus/virtio/devices");
            if (!Directory.Exists(devices)) return null;
            foreach (var device in Directory.EnumerateDirectories(devices))
            {
                string id = Path.Combine(device, "device"), bits = Path.Combine(device, "features");
                if (!File.Exists(id) || !File.Exists(bits) || File.ReadAllText(id).Trim() != "0x0005") continue;
                string features = File.ReadAllText(bits).Trim();                   // bit k is character k
                if (features.Length <= 5 || features[5] != '1') continue;
                string orderFile = Path.Combine(sys, "module/page_reporting/parameters/page_reporting_order");
                int order = File.Exists(orderFile) && int.TryParse(File.ReadAllText(orderFile).Trim(), out int o) && o is >= 0 and < 20 ? o : 9;
                long kib = 4L << order;
                return $"reports its free memory to the host in blocks of {(kib >= 1024 ? $"{kib / 1024} MiB" : $"{kib} KiB")} (virtio-balloon free page reporting)";
            }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return null;
    }
}
