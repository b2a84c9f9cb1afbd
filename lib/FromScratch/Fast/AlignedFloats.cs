using System.Runtime.CompilerServices;

namespace FromScratch.Fast;

/// <summary>A pinned float buffer whose first element is 64-byte aligned (a cache line, one 512-bit vector).</summary>
internal sealed unsafe class AlignedFloats
{
    private readonly float[] _array;   // keeps the pinned memory alive
    public float* P { get; }
    public int Length { get; }

    public AlignedFloats(int length)
    {
        _array = GC.AllocateArray<float>(length + 16, pinned: true);
        float* p = (float*)Unsafe.AsPointer(ref _array[0]);
        P = p + (int)(((64 - ((nint)p & 63)) & 63) / sizeof(float));
        Length = length;
    }

    public Span<float> Span => new(P, Length);
    public void Clear() => Span.Clear();
}
