#!/usr/bin/env python3
# bench/clickhouse_narrow_insert_experiment.py: what ClickHouse 18.16 alone spends per million
# narrow sample rows (infrasage_samples' layout) in 500,000-row RowBinary inserts, merges included:
# rows in arrival order vs rows pre-sorted by the sort key, and an Int64 millisecond time column
# instead of DateTime + UInt16. Runs against the instance of `scripts/clickhouse.sh env`, in a
# scratch database it drops. Usage (dev instance, quiet):
#   CLICKHOUSE_INSTANCE=dev scripts/clickhouse.sh start
#   eval "$(CLICKHOUSE_INSTANCE=dev scripts/clickhouse.sh env)"; export CLICKHOUSE_URL CLICKHOUSE_USER CLICKHOUSE_PASSWORD_FILE
#   python3 bench/clickhouse_narrow_insert_experiment.py
import struct, random, os, time, urllib.request, urllib.parse
url=os.environ['CLICKHOUSE_URL']; user=os.environ['CLICKHOUSE_USER']; pw=open(os.environ['CLICKHOUSE_PASSWORD_FILE']).read().strip()
pid=int(open(os.environ.get('CLICKHOUSE_PID_FILE', '.data/clickhouse/clickhouse-server.pid')).read().strip())
def q(sql, body=b''):
    req=urllib.request.Request(url+'/?query='+urllib.parse.quote(sql), data=body, headers={'X-ClickHouse-User':user,'X-ClickHouse-Key':pw})
    return urllib.request.urlopen(req).read()
def cpu():
    f=open(f'/proc/{pid}/stat').read().split(')')[1].split(); return (int(f[11])+int(f[12]))/os.sysconf('SC_CLK_TCK')
q("CREATE DATABASE IF NOT EXISTS exp_narrow")
for t in ['a','b','c']:
    q(f"DROP TABLE IF EXISTS exp_narrow.{t}")
q("CREATE TABLE exp_narrow.a (tenant_id String, series_id UInt64, timestamp DateTime, timestamp_ms UInt16, value Float64) ENGINE=MergeTree() PARTITION BY toYYYYMMDD(timestamp) ORDER BY (tenant_id, series_id, timestamp)")
q("CREATE TABLE exp_narrow.b (tenant_id String, series_id UInt64, timestamp DateTime, timestamp_ms UInt16, value Float64) ENGINE=MergeTree() PARTITION BY toYYYYMMDD(timestamp) ORDER BY (tenant_id, series_id, timestamp)")
q("CREATE TABLE exp_narrow.c (tenant_id String, series_id UInt64, ts Int64, value Float64) ENGINE=MergeTree() PARTITION BY toYYYYMMDD(toDateTime(intDiv(ts,1000))) ORDER BY (tenant_id, series_id, ts)")
random.seed(1)
N=100000; rounds=20
ids=[random.getrandbits(64) for _ in range(N)]
base=1764400000
rows=[(ids[i], base+r*10, random.randint(0,999), random.random()*100) for r in range(rounds) for i in range(N)]
def enc(rows, narrow64=False):
    out=bytearray(); ten=b'\x05bench'
    for sid,ts,ms,v in rows:
        out+=ten+(struct.pack('<Qqd',sid,ts*1000+ms,v) if narrow64 else struct.pack('<QIHd',sid,ts,ms,v))
    return bytes(out)
def run(table, body, cols, nrows):
    c0=cpu()
    per=nrows//4; rowlen=len(body)//nrows
    for k in range(4):
        q(f"INSERT INTO exp_narrow.{table} ({cols}) FORMAT RowBinary", body[k*per*rowlen:(k+1)*per*rowlen])
    c1=cpu()
    for _ in range(600):
        if q("SELECT count() FROM system.merges").strip()==b'0': break
        time.sleep(0.1)
    time.sleep(1); c2=cpu()
    m=nrows/1e6
    return round((c1-c0)/m,3), round((c2-c0)/m,3)
print('unsorted (insert, incl merges) CPU-s/M', run('a', enc(rows), 'tenant_id, series_id, timestamp, timestamp_ms, value', len(rows)))
print('sorted                               ', run('b', enc(sorted(rows)), 'tenant_id, series_id, timestamp, timestamp_ms, value', len(rows)))
print('int64 ms time, unsorted              ', run('c', enc(rows, True), 'tenant_id, series_id, ts, value', len(rows)))
q("DROP DATABASE exp_narrow")
