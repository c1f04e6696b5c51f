#!/bin/sh
# A tiny sample register: three complaints walked through their lives.
# Uses $COMPLAINTCTL_DB if set, else ./quickstart.db (delete it to start again).
set -e
export COMPLAINTCTL_DB="${COMPLAINTCTL_DB:-$PWD/quickstart.db}"
export COMPLAINTCTL_USER="${COMPLAINTCTL_USER:-前台小李}"
rm -f "$COMPLAINTCTL_DB" "$COMPLAINTCTL_DB-wal" "$COMPLAINTCTL_DB-shm"
complaintctl init >/dev/null

say() { printf '\n== %s\n' "$*"; }

say "1. 张三来电：冰箱不制冷。登记、分类、分派、回电、处理、回访、结案"
a=$(complaintctl log --customer 张三 --contact 13800138000 --channel 电话 \
      --subject 冰箱不制冷 --content "上周买的冰箱不制冷，已报修两次未修好" \
      --demand 更换新机 --location 朝阳门店 --received "2026-11-02 09:15")
echo "$a"
complaintctl classify "$a" --category 产品质量 --severity 重大 --priority 高 \
      --reason "重复报修未解决" --at "2026-11-02 09:40" --as 客服主管 >/dev/null
complaintctl assign "$a" --department 售后服务部 --to 王师傅 --at "2026-11-02 09:45"
complaintctl contact "$a" --via 电话 --summary "告知已受理，王师傅明天上门" --at "2026-11-02 10:00"
complaintctl resolve "$a" --solution "更换新机" --cause "压缩机批次缺陷" \
      --action "通知供应商排查同批次" --compensation 200 --compensation-kind 优惠券 \
      --at "2026-11-04 16:00" --as 王师傅
complaintctl contact "$a" --via 电话 --summary "告知已换新机并赠送优惠券" --at "2026-11-04 17:00"
complaintctl followup "$a" --satisfaction A --note "客户很满意" --at "2026-11-06 10:00"

say "2. 李四邮件：快递延误。延期、处理，回访不满意，重新处理"
b=$(complaintctl log --customer 李四 --contact li.si@example.com --channel 邮件 \
      --subject 快递延误 --content "订单一周未送达" --received "2026-11-10 08:30")
echo "$b"
complaintctl assign "$b" --department 物流部 --at "2026-11-10 09:00"
complaintctl extend "$b" --to "2026-11-20 18:00" --reason "仓库盘点，已电话告知客户" --at "2026-11-12 10:00"
complaintctl resolve "$b" --solution "加急补发" --at "2026-11-14 12:00"
complaintctl followup "$b" --satisfaction D --note "要求赔偿运费" --at "2026-11-17 10:00"

say "3. 张三在官网重复提交：说明理由后结案"
c=$(complaintctl log --customer 张三 --contact 13800138000 --channel 官网 \
      --content "冰箱不制冷（网上重复提交）" --received "2026-11-02 09:30")
complaintctl close "$c" --reason "重复投诉，见 $a" --at "2026-11-02 11:00"

say "登记表 (complaintctl list)"
complaintctl list

say "为什么这样判定、期限怎么算 (complaintctl show $b，节选)"
complaintctl show "$b" | sed -n '/^判定依据/,/^处理时限/p'

say "2026-11-12 早上 cron 会发出的超期提醒 (complaintctl overdue)"
complaintctl overdue --at "2026-11-12 08:30"

say "导入本单位原来的 Excel 登记表（300 件），看近六个月的趋势"
complaintctl import "$(dirname "$0")/客户投诉登记表_示例.xlsx" --add-departments
complaintctl report trend --months 6

say "下一步"
echo "complaintctl report --month 2026-10              # 月度统计表"
echo "complaintctl export --month 2026-10 -o 月报.xlsx  # 给管理层的 Excel 工作簿"
echo "complaintctl shell                               # 整天开着的交互模式"
