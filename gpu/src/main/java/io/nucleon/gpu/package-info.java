/**
 * GPU access for functions: CUDA contexts per device, device buffer pools and cuBLAS through JCuda, with
 * a CPU implementation of the same interface where no driver or device is present.
 *
 * <p>Nothing lives here yet; the module exists so that the layout and the dependency direction
 * (function-api &lt;- runtime-core &lt;- gpu &lt;- processor-image) are fixed from the start.
 */
package io.nucleon.gpu;
