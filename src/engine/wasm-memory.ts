// The one shared WebAssembly memory of the wasm backend, and what lives in it: tensors that stay for
// the whole run (parameters, gradients, optimizer moments — `allocate`) and the results of one
// forward/backward pass (`pass`), whose space is reused from the next `beginPass` on. Ops read any
// array that lives here in place; anything else is copied in first.

/** The kernels' static data (math tables) lies in the first page; allocations start after it. */
const RESERVED_BYTES = 65536;
const PAGE_BYTES = 65536;
/** 4 GiB − 64 KiB, wasm32's reach, in pages (the module declares this maximum). */
const MAX_PAGES = 65536;
/** Every allocation is 16-byte aligned and followed by 16 spare bytes: the SIMD kernels load whole vectors at edges. */
const ALIGN = 16;
const SLACK = 16;
const FIRST_PASS_BYTES = 4 << 20;
/** More than any pass of the CLI's largest batch takes: a pass past it is a caller that never began a new one. */
export const MAX_PASS_BYTES = 1 << 30;

type TypedArray = Float32Array | Int32Array | Float64Array;

export class WasmMemory {
  readonly memory = new WebAssembly.Memory({ initial: 64, maximum: MAX_PAGES, shared: true });
  /** Every buffer object the memory has had: views made before a grow keep the old one. */
  private readonly buffers = new WeakSet<ArrayBufferLike>();
  private top = RESERVED_BYTES;
  /** The region the current pass allocates from; a pass that outgrows it moves on to a bigger one. */
  private pass = { start: 0, size: 0, used: 0 };
  /** Bytes the current pass has taken, over every region it used. */
  private passTotal = 0;

  /** A zeroed array that stays for the life of this memory. */
  allocate(length: number): Float32Array {
    return this.f32(this.reserve(length * 4), length);
  }

  /** From now on, results of earlier passes may be overwritten. */
  beginPass(): void {
    // a pass that spilled into a second region gets one region big enough for all of it
    if (this.passTotal > this.pass.size) this.fitPass(align(this.passTotal * 1.5));
    this.passTotal = 0;
    this.pass.used = 0;
  }

  /** `bytes` of the current pass, 16-byte aligned; their contents are whatever was there. */
  passBytes(bytes: number): number {
    const size = align(bytes) + SLACK;
    if (this.passTotal + size > MAX_PASS_BYTES) {
      throw new RangeError(`one pass of the wasm backend has taken over ${MAX_PASS_BYTES >> 20} MiB: call ops.beginPass() between passes, whose results need not be kept`);
    }
    if (this.pass.used + size > this.pass.size) this.fitPass(Math.max(this.pass.used + size, Math.floor(1.5 * this.pass.size), FIRST_PASS_BYTES));
    const ptr = this.pass.start + this.pass.used;
    this.pass.used += size;
    this.passTotal += size;
    return ptr;
  }

  f32(ptr: number, length: number): Float32Array {
    return new Float32Array(this.buffer(), ptr, length);
  }

  i32(ptr: number, length: number): Int32Array {
    return new Int32Array(this.buffer(), ptr, length);
  }

  /** Where `array` starts in this memory, or −1 when it lives elsewhere. */
  addressOf(array: TypedArray): number {
    return this.buffers.has(array.buffer) ? array.byteOffset : -1;
  }

  /** `array`'s address here, copying it into the current pass when it lives elsewhere. */
  place(array: TypedArray): number {
    const at = this.addressOf(array);
    if (at >= 0) return at;
    const ptr = this.passBytes(array.byteLength);
    new Uint8Array(this.buffer(), ptr, array.byteLength).set(new Uint8Array(array.buffer, array.byteOffset, array.byteLength));
    return ptr;
  }

  // V8 may hand out a new buffer object for a shared memory after any grow, even another memory's
  // (two backends in one process): every view made here is on a buffer the set knows
  private buffer(): ArrayBufferLike {
    const buffer = this.memory.buffer;
    this.buffers.add(buffer);
    return buffer;
  }

  // A pass region of at least `size` bytes. The region on top of everything grows where it is, its
  // results in place; any other is left behind for a new one on top. (An evaluation batch after the
  // training ones used to leave two regions behind it: the memory peaked there.)
  private fitPass(size: number): void {
    if (this.pass.size > 0 && this.pass.start + this.pass.size === this.top) this.reserve(size - this.pass.size);
    else this.pass = { start: this.reserve(size), size: 0, used: 0 };
    this.pass.size = this.top - this.pass.start;
  }

  private reserve(bytes: number): number {
    const ptr = this.top;
    const end = ptr + align(bytes) + SLACK;
    const have = this.memory.buffer.byteLength;
    if (end > have) {
      const pages = Math.ceil((end - have) / PAGE_BYTES);
      if (have / PAGE_BYTES + pages > MAX_PAGES) throw new RangeError(`the wasm backend needs ${end} bytes of memory, more than wasm32's 4 GiB`);
      this.memory.grow(pages);
    }
    this.top = end;
    new Uint8Array(this.buffer(), ptr, end - ptr).fill(0);
    return ptr;
  }
}

function align(bytes: number): number {
  return Math.ceil(bytes / ALIGN) * ALIGN;
}
