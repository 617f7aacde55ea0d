/**
 * Float64Array views carved from large zero-filled chunks: one ArrayBuffer per `chunk` floats instead
 * of one per array. A scan keeps every series' state (two arrays of ~300 floats each) until the batch
 * is stored, ~24,000 arrays per 100 clusters; as views of a few 8 MB chunks they cost the allocator
 * and the garbage collector far less. A chunk lives as long as any view of it.
 */
export function floatSlab(chunk = 1 << 20): (length: number) => Float64Array {
  let current = new Float64Array(0);
  let at = 0;
  return (length) => {
    if (length > chunk / 4) return new Float64Array(length);
    if (at + length > current.length) {
      current = new Float64Array(chunk);
      at = 0;
    }
    const out = current.subarray(at, at + length);
    at += length;
    return out;
  };
}
