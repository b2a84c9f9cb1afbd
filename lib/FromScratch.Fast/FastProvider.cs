using System.Numerics;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Providers.LinearAlgebra;
using Complex = System.Numerics.Complex;

namespace FromScratch.Fast;

/// <summary>
/// Switches MathNet's matrix products to a faster engine and back: after <see cref="Use"/> every
/// <c>Matrix&lt;float&gt;</c>/<c>Matrix&lt;double&gt;</c> product (<c>x * W</c>, <c>TransposeThisAndMultiply</c>,
/// <c>TransposeAndMultiply</c>) in the process runs on managed SIMD, multi-threaded for large products; every other
/// operation stays on MathNet's own managed provider. The code and the numbers of the readable path do not change.
/// </summary>
/// <remarks>
/// MathNet 5 exposes the slot as <see cref="LinearAlgebraControl.Provider"/> (there is no <c>Control.LinearAlgebraProvider</c>
/// property in 5.0). No native library is involved. The provider itself (<see cref="FastLinearAlgebraProvider"/>) is internal:
/// it is MathNet's 120-member provider interface, nearly all of it forwarding.
/// </remarks>
public static class FastProvider
{
    /// <summary>The provider <see cref="Use"/> installs; printing it names the SIMD width in use and the fallback provider.</summary>
    /// <remarks>Typed <see cref="object"/> on purpose: see <see cref="Use"/> for why a notebook must not meet MathNet's provider interface.</remarks>
    public static object Instance => FastLinearAlgebraProvider.Instance;

    /// <summary>Makes the fast provider MathNet's linear-algebra provider for the whole process.</summary>
    /// <remarks>
    /// Returns nothing on purpose: a notebook cell whose code has MathNet's <see cref="ILinearAlgebraProvider"/> as a type
    /// makes the script compiler resolve that interface's <c>Complex</c> half, and so MathNet's reference to
    /// System.Runtime.Numerics 6.0, and it warns CS1701 (which project builds suppress by default, notebooks do not).
    /// </remarks>
    public static void Use() => LinearAlgebraControl.Provider = FastLinearAlgebraProvider.Instance;

    /// <summary>Puts MathNet's default managed provider back.</summary>
    public static void UseManaged() => LinearAlgebraControl.UseManaged();

    /// <summary>Whether MathNet currently uses the fast provider.</summary>
    public static bool IsInUse => LinearAlgebraControl.Provider is FastLinearAlgebraProvider;
}

/// <summary>
/// The MathNet linear-algebra provider behind <see cref="FastProvider"/>: float and double matrix products run on
/// <see cref="Gemm"/>; every other operation is delegated to MathNet's own managed provider.
/// </summary>
internal sealed class FastLinearAlgebraProvider : ILinearAlgebraProvider
{
    private readonly ManagedLinearAlgebraProvider _managed = new();

    /// <summary>The shared instance.</summary>
    public static FastLinearAlgebraProvider Instance { get; } = new();

    /// <inheritdoc/>
    public override string ToString() => $"FromScratch managed SIMD ({Simd.Description}), otherwise {_managed}";

    // ---- the overridden products ----

    /// <inheritdoc/>
    public void MatrixMultiply(double[] x, int rowsX, int columnsX, double[] y, int rowsY, int columnsY, double[] result)
        => MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1.0, x, rowsX, columnsX, y, rowsY, columnsY, 0.0, result);

    /// <inheritdoc/>
    public void MatrixMultiply(float[] x, int rowsX, int columnsX, float[] y, int rowsY, int columnsY, float[] result)
        => MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1f, x, rowsX, columnsX, y, rowsY, columnsY, 0f, result);

    /// <inheritdoc/>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, double alpha, double[] a, int rowsA, int columnsA, double[] b, int rowsB, int columnsB, double beta, double[] c)
        => Product(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    /// <inheritdoc/>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, float alpha, float[] a, int rowsA, int columnsA, float[] b, int rowsB, int columnsB, float beta, float[] c)
        => Product(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    private static void Product<T>(Transpose transposeA, Transpose transposeB, T alpha, T[] a, int rowsA, int columnsA, T[] b, int rowsB, int columnsB, T beta, T[] c)
        where T : unmanaged, INumberBase<T>
    {
        bool ta = transposeA != Transpose.DontTranspose, tb = transposeB != Transpose.DontTranspose;
        int m = ta ? columnsA : rowsA, k = ta ? rowsA : columnsA;
        int kb = tb ? columnsB : rowsB, n = tb ? rowsB : columnsB;
        if (k != kb) throw new ArgumentException($"Matrix dimensions must agree: op(A) is ({m}, {k}) and op(B) is ({kb}, {n}).");
        if (ReferenceEquals(a, c) || ReferenceEquals(b, c))
        {   // the result aliases an operand: compute into a copy
            var tmp = (T[])c.Clone();
            Gemm.Multiply(ta, tb, m, n, k, alpha, a, rowsA, b, rowsB, beta, tmp);
            Array.Copy(tmp, c, (long)m * n);
            return;
        }
        Gemm.Multiply(ta, tb, m, n, k, alpha, a, rowsA, b, rowsB, beta, c);
    }

    // ---- element-wise array operations: SIMD loops (each element rounds exactly as MathNet's loops do) ----

    // ---- everything else: MathNet's managed provider ----

    /// <inheritdoc/>
    public bool IsAvailable() => _managed.IsAvailable();
    /// <inheritdoc/>
    public void InitializeVerify() => _managed.InitializeVerify();
    /// <inheritdoc/>
    public void FreeResources() => _managed.FreeResources();
    /// <inheritdoc/>
    public void AddVectorToScaledVector(double[] y, double alpha, double[] x, double[] result)
    {
        if (!ElementWise.AddScaled(y, alpha, x, result)) _managed.AddVectorToScaledVector(y, alpha, x, result);
    }
    /// <inheritdoc/>
    public void ScaleArray(double alpha, double[] x, double[] result)
    {
        if (!ElementWise.Scale(alpha, x, result)) _managed.ScaleArray(alpha, x, result);
    }
    /// <inheritdoc/>
    public void ConjugateArray(double[] x, double[] result) => _managed.ConjugateArray(x, result);
    /// <inheritdoc/>
    public double DotProduct(double[] x, double[] y) => _managed.DotProduct(x, y);
    /// <inheritdoc/>
    public void AddArrays(double[] x, double[] y, double[] result)
    {
        if (!ElementWise.Add(x, y, result)) _managed.AddArrays(x, y, result);
    }
    /// <inheritdoc/>
    public void SubtractArrays(double[] x, double[] y, double[] result)
    {
        if (!ElementWise.Subtract(x, y, result)) _managed.SubtractArrays(x, y, result);
    }
    /// <inheritdoc/>
    public void PointWiseMultiplyArrays(double[] x, double[] y, double[] result)
    {
        if (!ElementWise.Multiply(x, y, result)) _managed.PointWiseMultiplyArrays(x, y, result);
    }
    /// <inheritdoc/>
    public void PointWiseDivideArrays(double[] x, double[] y, double[] result)
    {
        if (!ElementWise.Divide(x, y, result)) _managed.PointWiseDivideArrays(x, y, result);
    }
    /// <inheritdoc/>
    public void PointWisePowerArrays(double[] x, double[] y, double[] result) => _managed.PointWisePowerArrays(x, y, result);
    /// <inheritdoc/>
    public double MatrixNorm(Norm norm, int rows, int columns, double[] matrix) => _managed.MatrixNorm(norm, rows, columns, matrix);
    /// <inheritdoc/>
    public void LUFactor(double[] data, int order, int[] ipiv) => _managed.LUFactor(data, order, ipiv);
    /// <inheritdoc/>
    public void LUInverse(double[] a, int order) => _managed.LUInverse(a, order);
    /// <inheritdoc/>
    public void LUInverseFactored(double[] a, int order, int[] ipiv) => _managed.LUInverseFactored(a, order, ipiv);
    /// <inheritdoc/>
    public void LUSolve(int columnsOfB, double[] a, int order, double[] b) => _managed.LUSolve(columnsOfB, a, order, b);
    /// <inheritdoc/>
    public void LUSolveFactored(int columnsOfB, double[] a, int order, int[] ipiv, double[] b) => _managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    /// <inheritdoc/>
    public void CholeskyFactor(double[] a, int order) => _managed.CholeskyFactor(a, order);
    /// <inheritdoc/>
    public void CholeskySolve(double[] a, int orderA, double[] b, int columnsB) => _managed.CholeskySolve(a, orderA, b, columnsB);
    /// <inheritdoc/>
    public void CholeskySolveFactored(double[] a, int orderA, double[] b, int columnsB) => _managed.CholeskySolveFactored(a, orderA, b, columnsB);
    /// <inheritdoc/>
    public void QRFactor(double[] a, int rowsA, int columnsA, double[] q, double[] tau) => _managed.QRFactor(a, rowsA, columnsA, q, tau);
    /// <inheritdoc/>
    public void ThinQRFactor(double[] a, int rowsA, int columnsA, double[] r, double[] tau) => _managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    /// <inheritdoc/>
    public void QRSolve(double[] a, int rows, int columns, double[] b, int columnsB, double[] x, QRMethod method) => _managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    /// <inheritdoc/>
    public void QRSolveFactored(double[] q, double[] r, int rowsA, int columnsA, double[] tau, double[] b, int columnsB, double[] x, QRMethod method) => _managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    /// <inheritdoc/>
    public void SingularValueDecomposition(bool computeVectors, double[] a, int rowsA, int columnsA, double[] s, double[] u, double[] vt) => _managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    /// <inheritdoc/>
    public void SvdSolve(double[] a, int rowsA, int columnsA, double[] b, int columnsB, double[] x) => _managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    /// <inheritdoc/>
    public void SvdSolveFactored(int rowsA, int columnsA, double[] s, double[] u, double[] vt, double[] b, int columnsB, double[] x) => _managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    /// <inheritdoc/>
    public void EigenDecomp(bool isSymmetric, int order, double[] matrix, double[] matrixEv, Complex[] vectorEv, double[] matrixD) => _managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
    /// <inheritdoc/>
    public void AddVectorToScaledVector(float[] y, float alpha, float[] x, float[] result)
    {
        if (!ElementWise.AddScaled(y, alpha, x, result)) _managed.AddVectorToScaledVector(y, alpha, x, result);
    }
    /// <inheritdoc/>
    public void ScaleArray(float alpha, float[] x, float[] result)
    {
        if (!ElementWise.Scale(alpha, x, result)) _managed.ScaleArray(alpha, x, result);
    }
    /// <inheritdoc/>
    public void ConjugateArray(float[] x, float[] result) => _managed.ConjugateArray(x, result);
    /// <inheritdoc/>
    public float DotProduct(float[] x, float[] y) => _managed.DotProduct(x, y);
    /// <inheritdoc/>
    public void AddArrays(float[] x, float[] y, float[] result)
    {
        if (!ElementWise.Add(x, y, result)) _managed.AddArrays(x, y, result);
    }
    /// <inheritdoc/>
    public void SubtractArrays(float[] x, float[] y, float[] result)
    {
        if (!ElementWise.Subtract(x, y, result)) _managed.SubtractArrays(x, y, result);
    }
    /// <inheritdoc/>
    public void PointWiseMultiplyArrays(float[] x, float[] y, float[] result)
    {
        if (!ElementWise.Multiply(x, y, result)) _managed.PointWiseMultiplyArrays(x, y, result);
    }
    /// <inheritdoc/>
    public void PointWiseDivideArrays(float[] x, float[] y, float[] result)
    {
        if (!ElementWise.Divide(x, y, result)) _managed.PointWiseDivideArrays(x, y, result);
    }
    /// <inheritdoc/>
    public void PointWisePowerArrays(float[] x, float[] y, float[] result) => _managed.PointWisePowerArrays(x, y, result);
    /// <inheritdoc/>
    public double MatrixNorm(Norm norm, int rows, int columns, float[] matrix) => _managed.MatrixNorm(norm, rows, columns, matrix);
    /// <inheritdoc/>
    public void LUFactor(float[] data, int order, int[] ipiv) => _managed.LUFactor(data, order, ipiv);
    /// <inheritdoc/>
    public void LUInverse(float[] a, int order) => _managed.LUInverse(a, order);
    /// <inheritdoc/>
    public void LUInverseFactored(float[] a, int order, int[] ipiv) => _managed.LUInverseFactored(a, order, ipiv);
    /// <inheritdoc/>
    public void LUSolve(int columnsOfB, float[] a, int order, float[] b) => _managed.LUSolve(columnsOfB, a, order, b);
    /// <inheritdoc/>
    public void LUSolveFactored(int columnsOfB, float[] a, int order, int[] ipiv, float[] b) => _managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    /// <inheritdoc/>
    public void CholeskyFactor(float[] a, int order) => _managed.CholeskyFactor(a, order);
    /// <inheritdoc/>
    public void CholeskySolve(float[] a, int orderA, float[] b, int columnsB) => _managed.CholeskySolve(a, orderA, b, columnsB);
    /// <inheritdoc/>
    public void CholeskySolveFactored(float[] a, int orderA, float[] b, int columnsB) => _managed.CholeskySolveFactored(a, orderA, b, columnsB);
    /// <inheritdoc/>
    public void QRFactor(float[] a, int rowsA, int columnsA, float[] q, float[] tau) => _managed.QRFactor(a, rowsA, columnsA, q, tau);
    /// <inheritdoc/>
    public void ThinQRFactor(float[] a, int rowsA, int columnsA, float[] r, float[] tau) => _managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    /// <inheritdoc/>
    public void QRSolve(float[] a, int rows, int columns, float[] b, int columnsB, float[] x, QRMethod method) => _managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    /// <inheritdoc/>
    public void QRSolveFactored(float[] q, float[] r, int rowsA, int columnsA, float[] tau, float[] b, int columnsB, float[] x, QRMethod method) => _managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    /// <inheritdoc/>
    public void SingularValueDecomposition(bool computeVectors, float[] a, int rowsA, int columnsA, float[] s, float[] u, float[] vt) => _managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    /// <inheritdoc/>
    public void SvdSolve(float[] a, int rowsA, int columnsA, float[] b, int columnsB, float[] x) => _managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    /// <inheritdoc/>
    public void SvdSolveFactored(int rowsA, int columnsA, float[] s, float[] u, float[] vt, float[] b, int columnsB, float[] x) => _managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    /// <inheritdoc/>
    public void EigenDecomp(bool isSymmetric, int order, float[] matrix, float[] matrixEv, Complex[] vectorEv, float[] matrixD) => _managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
    /// <inheritdoc/>
    public void AddVectorToScaledVector(Complex[] y, Complex alpha, Complex[] x, Complex[] result) => _managed.AddVectorToScaledVector(y, alpha, x, result);
    /// <inheritdoc/>
    public void ScaleArray(Complex alpha, Complex[] x, Complex[] result) => _managed.ScaleArray(alpha, x, result);
    /// <inheritdoc/>
    public void ConjugateArray(Complex[] x, Complex[] result) => _managed.ConjugateArray(x, result);
    /// <inheritdoc/>
    public Complex DotProduct(Complex[] x, Complex[] y) => _managed.DotProduct(x, y);
    /// <inheritdoc/>
    public void AddArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.AddArrays(x, y, result);
    /// <inheritdoc/>
    public void SubtractArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.SubtractArrays(x, y, result);
    /// <inheritdoc/>
    public void PointWiseMultiplyArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.PointWiseMultiplyArrays(x, y, result);
    /// <inheritdoc/>
    public void PointWiseDivideArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.PointWiseDivideArrays(x, y, result);
    /// <inheritdoc/>
    public void PointWisePowerArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.PointWisePowerArrays(x, y, result);
    /// <inheritdoc/>
    public double MatrixNorm(Norm norm, int rows, int columns, Complex[] matrix) => _managed.MatrixNorm(norm, rows, columns, matrix);
    /// <inheritdoc/>
    public void MatrixMultiply(Complex[] x, int rowsX, int columnsX, Complex[] y, int rowsY, int columnsY, Complex[] result) => _managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);
    /// <inheritdoc/>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, Complex alpha, Complex[] a, int rowsA, int columnsA, Complex[] b, int rowsB, int columnsB, Complex beta, Complex[] c) => _managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
    /// <inheritdoc/>
    public void LUFactor(Complex[] data, int order, int[] ipiv) => _managed.LUFactor(data, order, ipiv);
    /// <inheritdoc/>
    public void LUInverse(Complex[] a, int order) => _managed.LUInverse(a, order);
    /// <inheritdoc/>
    public void LUInverseFactored(Complex[] a, int order, int[] ipiv) => _managed.LUInverseFactored(a, order, ipiv);
    /// <inheritdoc/>
    public void LUSolve(int columnsOfB, Complex[] a, int order, Complex[] b) => _managed.LUSolve(columnsOfB, a, order, b);
    /// <inheritdoc/>
    public void LUSolveFactored(int columnsOfB, Complex[] a, int order, int[] ipiv, Complex[] b) => _managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    /// <inheritdoc/>
    public void CholeskyFactor(Complex[] a, int order) => _managed.CholeskyFactor(a, order);
    /// <inheritdoc/>
    public void CholeskySolve(Complex[] a, int orderA, Complex[] b, int columnsB) => _managed.CholeskySolve(a, orderA, b, columnsB);
    /// <inheritdoc/>
    public void CholeskySolveFactored(Complex[] a, int orderA, Complex[] b, int columnsB) => _managed.CholeskySolveFactored(a, orderA, b, columnsB);
    /// <inheritdoc/>
    public void QRFactor(Complex[] a, int rowsA, int columnsA, Complex[] q, Complex[] tau) => _managed.QRFactor(a, rowsA, columnsA, q, tau);
    /// <inheritdoc/>
    public void ThinQRFactor(Complex[] a, int rowsA, int columnsA, Complex[] r, Complex[] tau) => _managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    /// <inheritdoc/>
    public void QRSolve(Complex[] a, int rows, int columns, Complex[] b, int columnsB, Complex[] x, QRMethod method) => _managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    /// <inheritdoc/>
    public void QRSolveFactored(Complex[] q, Complex[] r, int rowsA, int columnsA, Complex[] tau, Complex[] b, int columnsB, Complex[] x, QRMethod method) => _managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    /// <inheritdoc/>
    public void SingularValueDecomposition(bool computeVectors, Complex[] a, int rowsA, int columnsA, Complex[] s, Complex[] u, Complex[] vt) => _managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    /// <inheritdoc/>
    public void SvdSolve(Complex[] a, int rowsA, int columnsA, Complex[] b, int columnsB, Complex[] x) => _managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    /// <inheritdoc/>
    public void SvdSolveFactored(int rowsA, int columnsA, Complex[] s, Complex[] u, Complex[] vt, Complex[] b, int columnsB, Complex[] x) => _managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    /// <inheritdoc/>
    public void EigenDecomp(bool isSymmetric, int order, Complex[] matrix, Complex[] matrixEv, Complex[] vectorEv, Complex[] matrixD) => _managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
    /// <inheritdoc/>
    public void AddVectorToScaledVector(Complex32[] y, Complex32 alpha, Complex32[] x, Complex32[] result) => _managed.AddVectorToScaledVector(y, alpha, x, result);
    /// <inheritdoc/>
    public void ScaleArray(Complex32 alpha, Complex32[] x, Complex32[] result) => _managed.ScaleArray(alpha, x, result);
    /// <inheritdoc/>
    public void ConjugateArray(Complex32[] x, Complex32[] result) => _managed.ConjugateArray(x, result);
    /// <inheritdoc/>
    public Complex32 DotProduct(Complex32[] x, Complex32[] y) => _managed.DotProduct(x, y);
    /// <inheritdoc/>
    public void AddArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.AddArrays(x, y, result);
    /// <inheritdoc/>
    public void SubtractArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.SubtractArrays(x, y, result);
    /// <inheritdoc/>
    public void PointWiseMultiplyArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.PointWiseMultiplyArrays(x, y, result);
    /// <inheritdoc/>
    public void PointWiseDivideArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.PointWiseDivideArrays(x, y, result);
    /// <inheritdoc/>
    public void PointWisePowerArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.PointWisePowerArrays(x, y, result);
    /// <inheritdoc/>
    public double MatrixNorm(Norm norm, int rows, int columns, Complex32[] matrix) => _managed.MatrixNorm(norm, rows, columns, matrix);
    /// <inheritdoc/>
    public void MatrixMultiply(Complex32[] x, int rowsX, int columnsX, Complex32[] y, int rowsY, int columnsY, Complex32[] result) => _managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);
    /// <inheritdoc/>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, Complex32 alpha, Complex32[] a, int rowsA, int columnsA, Complex32[] b, int rowsB, int columnsB, Complex32 beta, Complex32[] c) => _managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);
    /// <inheritdoc/>
    public void LUFactor(Complex32[] data, int order, int[] ipiv) => _managed.LUFactor(data, order, ipiv);
    /// <inheritdoc/>
    public void LUInverse(Complex32[] a, int order) => _managed.LUInverse(a, order);
    /// <inheritdoc/>
    public void LUInverseFactored(Complex32[] a, int order, int[] ipiv) => _managed.LUInverseFactored(a, order, ipiv);
    /// <inheritdoc/>
    public void LUSolve(int columnsOfB, Complex32[] a, int order, Complex32[] b) => _managed.LUSolve(columnsOfB, a, order, b);
    /// <inheritdoc/>
    public void LUSolveFactored(int columnsOfB, Complex32[] a, int order, int[] ipiv, Complex32[] b) => _managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);
    /// <inheritdoc/>
    public void CholeskyFactor(Complex32[] a, int order) => _managed.CholeskyFactor(a, order);
    /// <inheritdoc/>
    public void CholeskySolve(Complex32[] a, int orderA, Complex32[] b, int columnsB) => _managed.CholeskySolve(a, orderA, b, columnsB);
    /// <inheritdoc/>
    public void CholeskySolveFactored(Complex32[] a, int orderA, Complex32[] b, int columnsB) => _managed.CholeskySolveFactored(a, orderA, b, columnsB);
    /// <inheritdoc/>
    public void QRFactor(Complex32[] a, int rowsA, int columnsA, Complex32[] q, Complex32[] tau) => _managed.QRFactor(a, rowsA, columnsA, q, tau);
    /// <inheritdoc/>
    public void ThinQRFactor(Complex32[] a, int rowsA, int columnsA, Complex32[] r, Complex32[] tau) => _managed.ThinQRFactor(a, rowsA, columnsA, r, tau);
    /// <inheritdoc/>
    public void QRSolve(Complex32[] a, int rows, int columns, Complex32[] b, int columnsB, Complex32[] x, QRMethod method) => _managed.QRSolve(a, rows, columns, b, columnsB, x, method);
    /// <inheritdoc/>
    public void QRSolveFactored(Complex32[] q, Complex32[] r, int rowsA, int columnsA, Complex32[] tau, Complex32[] b, int columnsB, Complex32[] x, QRMethod method) => _managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);
    /// <inheritdoc/>
    public void SingularValueDecomposition(bool computeVectors, Complex32[] a, int rowsA, int columnsA, Complex32[] s, Complex32[] u, Complex32[] vt) => _managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);
    /// <inheritdoc/>
    public void SvdSolve(Complex32[] a, int rowsA, int columnsA, Complex32[] b, int columnsB, Complex32[] x) => _managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);
    /// <inheritdoc/>
    public void SvdSolveFactored(int rowsA, int columnsA, Complex32[] s, Complex32[] u, Complex32[] vt, Complex32[] b, int columnsB, Complex32[] x) => _managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);
    /// <inheritdoc/>
    public void EigenDecomp(bool isSymmetric, int order, Complex32[] matrix, Complex32[] matrixEv, Complex[] vectorEv, Complex32[] matrixD) => _managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
}
