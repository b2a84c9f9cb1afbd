using System.Runtime.CompilerServices;

namespace FromScratch.Fast;

/// <summary>A pinned buffer whose first element is 64-byte aligned (a cache line, one 512-bit vector).</summary>
internal sealed unsafe class Aligned<T> where T : unmanaged
{
    private readonly T[] _array;   // keeps the pinned memory alive
    public T* P { get; }
    public int Length { get; }

    public Aligned(int length)
    {
        _array = GC.AllocateArray<T>(length + 64 / sizeof(T), pinned: true);
        T* p = (T*)Unsafe.AsPointer(ref _array[0]);
        P = p + (int)(((64 - ((nint)p & 63)) & 63) / sizeof(T));
        Length = length;
    }

    public Span<T> Span => new(P, Length);
    public void Clear() => Span.Clear();
}
