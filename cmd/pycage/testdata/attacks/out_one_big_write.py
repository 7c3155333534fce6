# Outcome: one large write arrives whole: its last bytes are in the returned tail. (Under -u,
# Python's stdout drops what a short write leaves over, and gVisor's pipes write short.)
# want status=ok
# want truncated=true
# want stdout_suffix=...the end of one big write\n
import sys
sys.stdout.write("y" * (1 << 20) + "...the end of one big write\n")
