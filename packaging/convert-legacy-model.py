#!/usr/bin/python3
"""Converts a model archive of kdna's first format (signature KDNAMODEL1, weights stored as
TorchScript) into today's (KDNAMODEL2, weights stored as safetensors), keeping its
description, generator commands and history as they are.

kdna itself refuses the old weights: reading TorchScript runs code stored in the file. This
script reads them with PyTorch's torch.jit.load, which runs that code, so use it only on a
file you made yourself or otherwise trust.

Usage: convert-legacy-model.py OLD.kdna NEW.kdna   (needs Debian's python3-torch)
"""
import io, json, struct, sys, zlib
import torch

OLD, NEW, END = b'KDNAMODEL1\n', b'KDNAMODEL2\n', b'KDNAEND\n'


def parts(data):
    if not data.startswith(OLD):
        sys.exit('error: %s is not a model archive of kdna\'s first format' % sys.argv[1])
    at = len(OLD)
    n = struct.unpack_from('<Q', data, at)[0]
    meta = data[at + 8:at + 8 + n]
    at += 8 + n
    n = struct.unpack_from('<Q', data, at)[0]
    weights = data[at + 8:at + 8 + n]
    at += 8 + n
    if struct.unpack_from('<I', data, at)[0] != zlib.crc32(data[:at]) or data[at + 4:] != END:
        sys.exit('error: %s is damaged (its checksum does not match)' % sys.argv[1])
    return meta, weights


def safetensors(module):
    kinds = {torch.float32: 'F32', torch.int64: 'I64'}
    tensors = list(module.named_parameters()) + list(module.named_buffers())
    header, blobs, at = {'__metadata__': {'format': 'pt'}}, [], 0
    for name, t in tensors:
        b = t.detach().cpu().contiguous().numpy().tobytes()
        header[name] = {'dtype': kinds[t.dtype], 'shape': list(t.shape),
                        'data_offsets': [at, at + len(b)]}
        blobs.append(b)
        at += len(b)
    text = json.dumps(header, separators=(',', ':')).encode()
    text += b' ' * (-len(text) % 8)
    return struct.pack('<Q', len(text)) + text + b''.join(blobs)


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    meta, weights = parts(open(sys.argv[1], 'rb').read())
    body = safetensors(torch.jit.load(io.BytesIO(weights), map_location='cpu'))
    out = NEW + struct.pack('<Q', len(meta)) + meta + struct.pack('<Q', len(body)) + body
    out += struct.pack('<I', zlib.crc32(out)) + END
    with open(sys.argv[2], 'wb') as f:
        f.write(out)
    print('wrote %s (kdna reads it; the weights are safetensors now)' % sys.argv[2])


main()
