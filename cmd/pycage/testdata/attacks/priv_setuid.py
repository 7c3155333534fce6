# Outcome: os.setuid(0) and os.setgid(0) fail.
# want status=ok
# want stdout=denied denied\n
import os
out = []
for f in (os.setuid, os.setgid):
    try:
        f(0)
        out.append("root")
    except PermissionError:
        out.append("denied")
print(*out)
