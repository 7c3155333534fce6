# Outcome: invalid UTF-8, NUL bytes and JSON-RPC-looking lines come back safely as data.
# want status=ok
# want stdout={"jsonrpc":"2.0","id":1,"result":{}}\na\ufffdb\x00c\n
import sys
print('{"jsonrpc":"2.0","id":1,"result":{}}')
sys.stdout.flush()
sys.stdout.buffer.write(b"a\xff\xfeb\x00c\n")
