# Outcome: input() gets EOF at once, and so does a read of stdin.
# want status=ok
# want stdout=eof b''\n
# want max_seconds=5
import sys
try:
    input()
except EOFError:
    print("eof", sys.stdin.buffer.read())
