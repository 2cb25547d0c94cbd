"""Texts and fixed facts the demo data is built from.

Places follow DESIGN.md: Quanshan's 14 街道 in the order of their 2023 statistical codes
(320311 + 3-digit 街道 code), the known 社区 first, plausible neighbours after them. Project
and request wording follows the 新华网 article on the 六心工程 ("电动车飞线充电有人管了;
分类垃圾有人及时清理了; 老房子的修修补补有人干了, 小区门口的污水坑几天就变成绿地了").

Placeholders in templates: {sd} 街道, {cm} 社区, {cp} 小区, {b} building, {u} unit, {f} floor,
{n} a small number, {year}, {school}, {name} a person's name, {dept} a department's short name.
"""

from __future__ import annotations

from dataclasses import dataclass, field

DISTRICT = ("泉山区", "320311000000", 34.2442, 117.1650)

# (name, pinyin for codes, latitude, longitude, 社区 names). Names of 街道 are short ("奎山"),
# as the rest of the code prints them followed by 街道.
SUBDISTRICTS: list[tuple[str, str, float, float, list[str]]] = [
    ("王陵", "wangling", 34.2556, 117.1701, ["王陵社区", "苏堤社区", "新生社区", "汉源社区", "楚园社区"]),
    ("七里沟", "qiligou", 34.2748, 117.1452, ["七里沟社区", "民主社区", "中山社区", "沟西社区"]),
    ("永安", "yongan", 34.2601, 117.1788, ["永安社区", "建国社区", "民安社区", "西苑社区", "永康社区"]),
    ("湖滨", "hubin", 34.2392, 117.1881, ["湖滨社区", "云龙湖社区", "湖畔社区", "南湖社区", "风景社区", "泉润社区"]),
    ("段庄", "duanzhuang", 34.2497, 117.1629, ["段庄社区", "二环社区", "广场社区", "段西社区", "新城社区"]),
    ("翟山", "zhaishan", 34.2241, 117.1923, ["翟山社区", "九里社区", "翟东社区", "翟西社区", "山水社区"]),
    ("奎山", "kuishan", 34.2335, 117.2049, ["奎园社区", "奎果社区", "奎东社区", "奎西社区", "塔南社区", "奎河社区"]),
    ("和平", "heping", 34.2548, 117.2011, ["和平社区", "淮塔社区", "文化社区", "兴华社区"]),
    ("金山", "jinshan", 34.2153, 117.1566, ["茶棚社区", "金山社区", "金狮社区", "金城社区", "鑫城社区"]),
    (
        "泰山",
        "taishan",
        34.2298,
        117.1612,
        ["泰山社区", "康居社区", "文昌社区", "彭祖园社区", "兴泰社区", "风华园社区", "云龙社区", "泉泰社区"],
    ),
    ("庞庄", "pangzhuang", 34.2903, 117.1188, ["拾西社区", "庞庄社区", "拾屯社区", "东城社区", "王场社区"]),
    ("火花", "huohua", 34.2663, 117.1909, ["火花社区", "电厂社区", "光华社区", "苏场社区"]),
    ("桃园", "taoyuan", 34.2247, 117.1205, ["东村社区", "桃园社区", "西村社区", "韩山社区", "马场社区"]),
    ("苏山", "sushan", 34.2052, 117.1497, ["苏山社区", "郭庄社区", "龟山社区", "杏山子社区", "卧牛社区"]),
]

# 小区 names are built from these: an old work-unit estate or a newer development.
COMPOUND_PREFIXES = [
    "矿大南湖",
    "建国路",
    "和平路",
    "煤建",
    "电力",
    "水利",
    "教师",
    "粮食局",
    "邮电",
    "供销社",
    "交通局",
    "自来水公司",
    "纺织厂",
    "机械厂",
    "铁路",
    "卫校",
    "淮海",
    "彭城",
    "云龙",
    "汉风",
    "泉山",
    "金鼎",
    "绿地",
    "翠屏",
    "星光",
    "欣欣",
    "康宁",
    "祥和",
    "幸福",
    "阳光",
]
COMPOUND_SUFFIXES = ["小区", "宿舍", "家属院", "新村", "花园", "苑", "家园", "北区", "南区"]

# (code, name, short name, kind). The 14 街道办事处 are added from SUBDISTRICTS.
DEPARTMENTS: list[tuple[str, str, str, str]] = [
    ("zhujian", "区住房和城乡建设局", "区住建局", "bureau"),
    ("minzheng", "区民政局", "区民政局", "bureau"),
    ("chengguan", "区城市管理局", "区城管局", "bureau"),
    ("jiaoyu", "区教育局", "区教育局", "bureau"),
    ("weijian", "区卫生健康委员会", "区卫健委", "bureau"),
    ("renshe", "区人力资源和社会保障局", "区人社局", "bureau"),
    ("shichang", "区市场监督管理局", "区市场监管局", "bureau"),
    ("yingji", "区应急管理局", "区应急局", "bureau"),
    ("shengtai", "区生态环境局", "区生态环境局", "bureau"),
    ("yuanlin", "区园林绿化所", "区园林所", "bureau"),
    ("wenlv", "区文化广电和旅游局", "区文旅局", "bureau"),
    ("gongdian", "国网徐州供电公司泉山供电服务中心", "供电公司", "company"),
    ("shuiwu", "徐州市水务集团泉山营业所", "水务公司", "company"),
    ("ranqi", "徐州华润燃气泉山服务站", "燃气公司", "company"),
]
SUBDISTRICT_OFFICE = "jd"  # placeholder in templates: the 街道办事处 of the request's or project's 街道
COMMAND_CENTRE = "区社会治理现代化指挥中心"

SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙朱马胡郭林何高梁郑罗宋谢唐韩曹许邓萧冯曾程蔡彭潘袁于董余苏叶吕魏蒋田杜丁沈姜范江"
    "傅钟卢汪戴崔任陆廖姚方金邱夏谭韦贾邹石熊孟秦薛侯雷白段郝孔邵史毛常万顾武康贺严尹钱施牛洪龚"
)
GIVEN_CHARS = "秀英桂兰玉梅凤华建国志强明军伟芳丽娟红霞敏静海涛德福金宝永春淑珍文博晓东雪莉丹平成林庆云荣波"
# A responsible official's title by the kind of unit (and, for bureaus, how the unit's name ends).
OFFICIAL_TITLES = {
    "局": ("局长", "副局长"),
    "委员会": ("主任", "副主任"),
    "所": ("所长", "副所长"),
    "subdistrict": ("办事处主任", "办事处副主任", "党工委副书记"),
    "company": ("经理", "副经理"),
}

SCHOOLS = [
    "泉山区第二实验小学",
    "民主路小学",
    "星光小学",
    "矿大附属实验学校",
    "湖滨小学",
    "奎园小学",
    "段庄中学",
    "泉山区实验幼儿园",
    "翟山小学",
    "王陵路小学",
    "苏山中学",
    "桃园路小学",
]
RIVER_SECTIONS = ["奎河泉山段", "故黄河泉山段", "徐运新河", "丁万河", "三八河", "琅河"]


@dataclass(frozen=True)
class ProjectTemplate:
    """One kind of 民生项目; `level` is where it happens: sd 街道, cm 社区, cp 小区."""

    title: str
    lead: str
    co: tuple[str, ...]
    level: str
    money: tuple[int, int]  # planned investment range, 万元
    summary: str
    description: str
    milestones: tuple[tuple[str, int], ...] = ()  # (title, weight); empty: progress set by hand
    updates: tuple[str, ...] = ()
    parent_title: str = ""  # when set, several of these are grouped under one parent project


PROJECTS: dict[str, list[ProjectTemplate]] = {
    "fumin": [
        ProjectTemplate(
            "{sd}街道“家门口”就业服务站",
            "renshe",
            (SUBDISTRICT_OFFICE,),
            "sd",
            (20, 80),
            "在社区设立就业服务站，提供岗位推荐、政策咨询和求职登记。",
            "依托社区党群服务中心建设“家门口”就业服务站，每月组织专场招聘会，为失业人员、"
            "就业困难人员和高校毕业生提供一站式就业服务，全年推荐就业不少于{n}00人次。",
            (("场地改造", 20), ("设备配置", 20), ("人员培训", 20), ("挂牌运行", 40)),
            ("服务站场地改造已开工。", "已组织专场招聘会，现场达成就业意向{n}0余人。", "服务站正式挂牌运行。"),
        ),
        ProjectTemplate(
            "{sd}街道职业技能培训（{n}00人次）",
            "renshe",
            (SUBDISTRICT_OFFICE,),
            "sd",
            (30, 120),
            "面向失业人员和灵活就业人员开展育婴、家政、电工等职业技能培训。",
            "联合驻区职业院校开设育婴员、养老护理员、电工、电商直播等培训班，培训合格后推荐就业，落实职业培训补贴。",
            (),
            ("第一期育婴员培训班开班。", "累计完成培训{n}00余人次，取证率九成以上。", "全年培训任务完成。"),
        ),
        ProjectTemplate(
            "泉山大健康产业园{sd}创业孵化基地",
            "renshe",
            ("shichang", SUBDISTRICT_OFFICE),
            "sd",
            (300, 1500),
            "改造闲置楼宇为创业孵化基地，为初创企业提供低租金办公空间和创业指导。",
            "将闲置商业楼宇整体定位为大健康产业创业孵化基地，出台专项帮扶政策，提供工商注册、"
            "财税代理、创业担保贷款等服务，计划入驻企业{n}0家。",
            (("规划设计", 10), ("楼宇改造", 40), ("招商入驻", 30), ("运营评估", 20)),
            ("孵化基地改造施工全面展开。", "首批{n}家企业签约入驻。", "基地投入运营。"),
        ),
        ProjectTemplate(
            "{cm}夜间便民集市",
            "shichang",
            ("chengguan", SUBDISTRICT_OFFICE),
            "cm",
            (10, 60),
            "规范设置夜间便民集市，带动周边居民灵活就业增收。",
            "在{cm}周边划定夜间便民集市区域，统一摊位、照明和垃圾收集，优先安排困难家庭摊位。",
            (),
            ("集市选址完成，征求周边居民意见。", "集市试运营，设摊位{n}0个。"),
        ),
    ],
    "bianmin": [
        ProjectTemplate(
            "{cp}加装电梯",
            "zhujian",
            (SUBDISTRICT_OFFICE, "gongdian"),
            "cp",
            (50, 90),
            "为多层住宅加装电梯，解决老年人上下楼难。",
            "{cp}{b}号楼为六层砖混住宅，居民中60岁以上老人占四成。经居民协商一致，"
            "加装电梯{n}部，区住建局按政策给予补贴。",
            (
                ("居民意见征询", 10),
                ("方案设计与审批", 15),
                ("井道基础施工", 25),
                ("电梯安装调试", 30),
                ("验收交付", 20),
            ),
            (
                "完成居民意见征询和公示。",
                "井道基础施工完成。",
                "电梯安装完毕，正在调试。",
                "电梯通过验收，正式投入使用。",
            ),
            "{year}年{sd}街道既有多层住宅加装电梯",
        ),
        ProjectTemplate(
            "{cm}老旧小区改造",
            "zhujian",
            (SUBDISTRICT_OFFICE, "shuiwu", "ranqi"),
            "cm",
            (300, 2500),
            "实施雨污分流、道路停车、外立面和屋面防水等综合改造。",
            "{cm}内小区多建于上世纪八九十年代，存在屋面漏水、管网老化、停车难等问题。"
            "本次改造涉及住户{n}00余户，同步完善无障碍设施和充电设施。",
            (
                ("立项审批", 10),
                ("施工招标", 10),
                ("地下管网改造", 25),
                ("道路及停车位改造", 25),
                ("外立面及屋面防水", 20),
                ("竣工验收", 10),
            ),
            (
                "改造项目完成施工招标。",
                "地下管网改造基本完成。",
                "道路刷黑和停车位施划完成。",
                "改造工程通过竣工验收。",
            ),
            "{year}年老旧小区改造工程（{sd}片区）",
        ),
        ProjectTemplate(
            "{cm}电动自行车集中充电设施建设",
            "gongdian",
            (SUBDISTRICT_OFFICE, "yingji"),
            "cm",
            (15, 60),
            "新建集中充电车棚和智能充电桩，方便居民安全充电。",
            "在{cm}新建集中充电车棚{n}处、智能充电端口{n}0个，具备定时断电和过载保护功能。",
            (("选址征求意见", 20), ("车棚建设", 40), ("充电桩安装通电", 40)),
            ("完成选址和居民意见征求。", "充电车棚主体完工。", "充电桩安装通电，投入使用。"),
        ),
        ProjectTemplate(
            "{sd}街道农贸市场提升改造",
            "shichang",
            ("chengguan", SUBDISTRICT_OFFICE),
            "sd",
            (100, 600),
            "改造农贸市场排水、照明和摊位，规范周边经营秩序。",
            "对辖区农贸市场进行标准化改造，统一摊位、完善排水和通风，设置农残检测室和公平秤。",
            (("方案设计", 15), ("施工改造", 55), ("验收开业", 30)),
            ("市场改造方案通过评审。", "市场分区施工，临时摊位保障居民买菜。", "市场改造完成重新开业。"),
        ),
        ProjectTemplate(
            "{cm}停车泊位扩容",
            "chengguan",
            (SUBDISTRICT_OFFICE,),
            "cm",
            (20, 150),
            "利用边角地新增停车泊位，缓解小区停车难。",
            "整合{cm}周边闲置空地和背街道路，新增停车泊位{n}0个，实行错时共享停车。",
            (),
            ("完成泊位规划和公示。", "新增泊位施划完成。"),
        ),
        ProjectTemplate(
            "{cm}党群服务中心便民服务提升",
            SUBDISTRICT_OFFICE,
            ("minzheng",),
            "cm",
            (10, 50),
            "提升社区便民服务中心，实现社保、医保等事项就近办理。",
            "对{cm}党群服务中心进行适老化改造，设置无障碍通道和休息区，开通社保、医保、居住证等{n}0项就近办理事项。",
            (),
            ("服务中心改造开工。", "新增便民事项上线运行。"),
        ),
    ],
    "lvse": [
        ProjectTemplate(
            "{cm}口袋公园建设",
            "yuanlin",
            ("chengguan", SUBDISTRICT_OFFICE),
            "cm",
            (40, 220),
            "将闲置地块改造为口袋公园，增加居民家门口的休闲空间。",
            "{cm}某闲置地块长期积水、杂草丛生。本项目拆除违建、清理垃圾，建设口袋公园，"
            "设置园路、适老座椅、儿童活动区，新增绿地{n}000平方米。",
            (("选址设计", 15), ("拆违清表", 15), ("园路与设施施工", 30), ("绿化种植", 25), ("开放使用", 15)),
            ("完成拆违清表。", "园路和座椅安装完成。", "乔灌木种植完成。", "口袋公园向居民开放。"),
        ),
        ProjectTemplate(
            "{sd}街道垃圾分类示范片区",
            "chengguan",
            (SUBDISTRICT_OFFICE,),
            "sd",
            (30, 200),
            "推行定时定点投放和督导员制度，建设垃圾分类示范片区。",
            "在{sd}街道{n}个小区设置分类投放亭，配备督导员，实行定时定点投放和分类收运，"
            "生活垃圾分类覆盖率达到95%以上。",
            (("投放亭建设", 40), ("督导员上岗", 20), ("分类收运体系运行", 40)),
            ("分类投放亭建设完成。", "督导员上岗，居民投放准确率明显提高。", "片区通过市级示范片区验收。"),
        ),
        ProjectTemplate(
            "{cm}背街小巷环境整治",
            "chengguan",
            (SUBDISTRICT_OFFICE, "yuanlin"),
            "cm",
            (20, 120),
            "整治背街小巷路面破损、乱堆乱放和飞线，提升居住环境。",
            "对{cm}背街小巷{n}条进行整治，修复破损路面、规整杆线、增设路灯，清理乱堆乱放。",
            (),
            ("路面修复施工开始。", "杆线规整和路灯安装完成。", "整治完成，建立长效保洁机制。"),
        ),
        ProjectTemplate(
            "{river}生态治理",
            "shengtai",
            ("shuiwu", "yuanlin"),
            "sd",
            (500, 3000),
            "截污纳管、清淤疏浚和岸坡绿化，消除河道黑臭。",
            "对{river}实施截污纳管、清淤疏浚和生态护岸，建设滨河步道{n}公里，实现水清岸绿。",
            (("截污纳管", 30), ("清淤疏浚", 30), ("生态护岸", 20), ("滨河绿化", 20)),
            ("截污管网铺设过半。", "河道清淤完成。", "滨河步道和绿化完工。"),
        ),
        ProjectTemplate(
            "{cp}门口污水坑改造绿地",
            "yuanlin",
            (SUBDISTRICT_OFFICE, "shuiwu"),
            "cp",
            (5, 30),
            "把小区门口长期积水的污水坑改造成绿地。",
            "{cp}门口污水坑雨后积水发臭，居民多次反映。疏通排水后回填种植，改造为小游园。",
            (),
            ("排水管道疏通完成。", "回填种植完成，居民出行环境明显改善。"),
        ),
    ],
    "yiyang": [
        ProjectTemplate(
            "{cm}老年助餐点",
            "minzheng",
            (SUBDISTRICT_OFFICE, "shichang"),
            "cm",
            (15, 60),
            "为辖区老年人提供价格优惠、营养均衡的午餐和送餐上门。",
            "在{cm}建设老年助餐点，就餐座位{n}0个，对80岁以上、低保和失能老人给予就餐补贴，"
            "为行动不便老人提供送餐上门。",
            (("场地选定", 15), ("装修改造", 35), ("设备采购", 20), ("试运营", 15), ("正式运营", 15)),
            (
                "助餐点装修改造开工。",
                "厨房设备安装完成，通过食品安全检查。",
                "助餐点试运营，日均就餐{n}0余人次。",
                "助餐点正式运营。",
            ),
        ),
        ProjectTemplate(
            "{cm}居家养老服务站",
            "minzheng",
            (SUBDISTRICT_OFFICE, "weijian"),
            "cm",
            (20, 80),
            "提供日间照料、助浴、康复和上门探访服务。",
            "引入专业养老服务机构运营{cm}居家养老服务站，设置日间照料床位{n}张，"
            "开展助浴、助洁、健康监测和独居老人定期探访。",
            (("场地改造", 40), ("机构入驻", 30), ("服务运营", 30)),
            ("服务站场地改造完成。", "运营机构入驻，开展上门服务。"),
        ),
        ProjectTemplate(
            "{sd}街道困难老年人家庭适老化改造（{n}0户）",
            "minzheng",
            (SUBDISTRICT_OFFICE,),
            "sd",
            (20, 90),
            "为困难老年人家庭加装扶手、防滑地面和紧急呼叫设备。",
            "对辖区分散供养特困、低保家庭中的高龄、失能老人住房进行适老化改造，"
            "安装卫生间扶手、防滑地垫、夜间感应灯和紧急呼叫器。",
            (),
            ("完成入户评估。", "改造完成过半。", "全部改造完成并回访。"),
        ),
        ProjectTemplate(
            "{sd}街道综合养老服务中心",
            "minzheng",
            ("weijian", SUBDISTRICT_OFFICE),
            "sd",
            (200, 900),
            "建设集托养、医疗、康复于一体的街道综合养老服务中心。",
            "建设床位{n}0张的街道综合养老服务中心，嵌入社区卫生服务站，实现医养结合。",
            (("主体改造", 35), ("医疗康复区建设", 25), ("消防验收", 15), ("开业运营", 25)),
            ("中心主体改造开工。", "医疗康复区建设完成。", "通过消防验收。", "中心开业运营。"),
        ),
    ],
    "anquan": [
        ProjectTemplate(
            "{cm}电动自行车飞线充电整治",
            SUBDISTRICT_OFFICE,
            ("yingji", "gongdian"),
            "cm",
            (5, 40),
            "清理楼道和窗口飞线充电，配套建设集中充电点。",
            "组织网格员对{cm}逐楼逐户排查电动车飞线充电和楼道停放充电，配套建设集中充电点，建立常态化巡查机制。",
            (("排查摸底", 20), ("集中充电点建设", 40), ("飞线清理", 25), ("长效巡查", 15)),
            ("完成逐楼排查，发现飞线{n}0余处。", "集中充电点投入使用。", "飞线清理完毕，转入常态化巡查。"),
        ),
        ProjectTemplate(
            "{cp}消防设施提升",
            "yingji",
            (SUBDISTRICT_OFFICE,),
            "cp",
            (10, 80),
            "更新楼道消防设施，打通消防通道。",
            "为{cp}更换老化消火栓和灭火器，安装独立式烟感报警器{n}00个，施划消防通道标线。",
            (("设施采购", 30), ("安装施工", 50), ("消防演练", 20)),
            ("消防设施采购完成。", "烟感报警器安装完成。", "组织居民消防演练。"),
        ),
        ProjectTemplate(
            "{school}周边护学安全提升",
            "jiaoyu",
            ("chengguan",),
            "sd",
            (10, 60),
            "增设护学岗、减速带和安全标志，保障上下学安全。",
            "在{school}周边设置护学岗和接送等候区，增设减速带、斑马线和警示标志，规范周边停车和摊点。",
            (),
            ("完成周边交通安全隐患排查。", "减速带和警示标志设置完成。"),
        ),
        ProjectTemplate(
            "{sd}街道食品安全示范街创建",
            "shichang",
            (SUBDISTRICT_OFFICE,),
            "sd",
            (10, 50),
            "推行明厨亮灶，建设食品安全示范街。",
            "对示范街{n}0家餐饮店推行明厨亮灶、统一油烟净化设施，公示食品安全等级。",
            (),
            ("完成商户摸底。", "明厨亮灶改造完成过半。", "通过示范街验收。"),
        ),
        ProjectTemplate(
            "{cm}燃气管道老化更新",
            "ranqi",
            ("zhujian", SUBDISTRICT_OFFICE),
            "cm",
            (50, 400),
            "更新老化燃气管道，消除燃气安全隐患。",
            "对{cm}使用超过20年的燃气立管和庭院管道进行更新，入户安装燃气报警器和自闭阀，涉及住户{n}00余户。",
            (("管道检测评估", 15), ("庭院管道更新", 40), ("立管及户内改造", 35), ("通气验收", 10)),
            ("完成管道检测评估。", "庭院管道更新完成。", "户内改造完成，恢复通气。"),
        ),
    ],
    "chunyu": [
        ProjectTemplate(
            "{cm}幼儿园新建",
            "jiaoyu",
            ("zhujian",),
            "cm",
            (800, 3000),
            "新建公办幼儿园，增加普惠性学前教育学位。",
            "新建{n}轨制公办幼儿园一所，建筑面积约4000平方米，建成后新增学位{n}00个。",
            (("立项及方案设计", 10), ("主体结构施工", 40), ("装饰装修", 25), ("室外工程", 15), ("验收开园", 10)),
            ("幼儿园主体结构开工。", "主体结构封顶。", "进入装饰装修阶段。", "幼儿园通过验收，秋季开园。"),
        ),
        ProjectTemplate(
            "{school}校舍改造",
            "jiaoyu",
            ("zhujian",),
            "sd",
            (100, 800),
            "改造老旧教学楼和运动场，改善办学条件。",
            "对{school}老旧教学楼进行加固改造，翻新塑胶跑道，更新教室照明和课桌椅。",
            (("设计招标", 15), ("暑期施工", 60), ("验收使用", 25)),
            ("完成施工招标。", "利用暑期集中施工。", "改造完成，按时开学使用。"),
        ),
        ProjectTemplate(
            "{cm}城市书房",
            "wenlv",
            (SUBDISTRICT_OFFICE,),
            "cm",
            (30, 120),
            "建设24小时城市书房，藏书万册，免费开放。",
            "在{cm}建设24小时自助城市书房，藏书{n}万册，接入全市图书通借通还，设置少儿阅读区。",
            (("选址装修", 40), ("图书上架", 30), ("开放运营", 30)),
            ("书房装修完成。", "首批图书上架。", "城市书房开放。"),
        ),
        ProjectTemplate(
            "{cm}新时代文明实践站提升",
            SUBDISTRICT_OFFICE,
            ("wenlv",),
            "cm",
            (5, 30),
            "完善文明实践站阵地，常态化开展志愿服务和文化活动。",
            "改造{cm}新时代文明实践站活动室，组建志愿服务队{n}支，每月开展文化惠民和移风易俗活动。",
            (),
            ("活动室改造完成。", "志愿服务队伍组建完成，开展活动{n}0余场。"),
        ),
        ProjectTemplate(
            "{sd}街道全民健身设施补短板",
            "wenlv",
            (SUBDISTRICT_OFFICE,),
            "sd",
            (20, 100),
            "新建和更新社区健身路径、笼式球场。",
            "在{sd}街道新建笼式篮球场{n}处、更新健身路径{n}0套，方便居民就近健身。",
            (),
            ("完成选址。", "健身器材安装完成。"),
        ),
    ],
}

SUSPEND_NOTES = ["因管线迁改协调暂停施工，正在与产权单位对接。", "因部分居民意见不一致，暂停施工并重新征求意见。"]
COMPLETED_NOTE = "项目已完工并通过验收，转入长效管护。"


@dataclass(frozen=True)
class AppealTemplate:
    """One kind of resident's request, with the reply a department would give."""

    programme: str
    kind: str
    department: str
    title: str
    content: str
    reply: str
    wrong_department: str = "chengguan"  # who it is first mis-assigned to when it is returned
    level: str = "cp"
    variants: tuple[str, ...] = field(default_factory=tuple)  # extra sentences, one may be added


APPEALS: list[AppealTemplate] = [
    # 便民舒心
    AppealTemplate(
        "bianmin",
        "help",
        SUBDISTRICT_OFFICE,
        "楼道灯坏了没人修",
        "{cp}{b}号楼{u}单元楼道灯坏了{n}0多天了，晚上黑乎乎的，老人上下楼很危险，希望尽快修好。",
        "经核实，已协调物业更换{cp}{b}号楼{u}单元楼道灯{n}盏，现已恢复照明。感谢您的反映。",
        variants=("家里有八十多岁的老人。", "之前跟物业说过两次。"),
    ),
    AppealTemplate(
        "bianmin",
        "inquiry",
        "zhujian",
        "想给我们单元加装电梯怎么申请",
        "我住在{cp}{b}号楼{f}楼，老伴腿脚不好，单元里大部分邻居都同意加装电梯，请问需要哪些手续，政府有没有补贴？",
        "加装电梯需本单元三分之二以上业主同意并签订协议，社区可协助开展意见征询。区住建局对符合条件的项目给予补贴，"
        "申请材料清单已通过电话告知，也可到{cm}党群服务中心咨询。",
        wrong_department="minzheng",
    ),
    AppealTemplate(
        "bianmin",
        "complaint",
        "zhujian",
        "老旧小区改造施工扰民",
        "{cp}改造工程晚上十点以后还在施工，噪音很大，孩子没法睡觉，路面挖开好几天也没有恢复。",
        "已约谈施工单位，要求夜间22时后停止噪声作业，开挖路段设置围挡和临时通道，{n}日内恢复路面。",
        wrong_department=SUBDISTRICT_OFFICE,
    ),
    AppealTemplate(
        "bianmin",
        "help",
        "shuiwu",
        "自来水水压低高层用不上水",
        "{cp}{b}号楼{f}楼以上每天早晚用水高峰水压很低，热水器都打不着火，已经持续{n}周了。",
        "经现场检测，为小区二次供水泵组故障，已于当日维修更换，水压恢复正常。",
        wrong_department="zhujian",
    ),
    AppealTemplate(
        "bianmin",
        "suggestion",
        "chengguan",
        "建议增加小区周边停车位",
        "{cm}周边晚上停车特别难，车都停到人行道上了，建议利用旁边的空地规划停车位。",
        "已将{cm}周边空地纳入停车泊位扩容计划，新增泊位施划后将实行错时共享停车。感谢您的建议。",
    ),
    AppealTemplate(
        "bianmin",
        "complaint",
        "zhujian",
        "屋顶漏水多年没人管",
        "{cp}{b}号楼顶楼一下雨就漏水，墙皮都泡掉了，找过物业说要维修基金，一直没解决。",
        "已协调物业启用维修资金对{b}号楼屋面进行防水维修，并纳入老旧小区改造计划统筹实施。",
        wrong_department=SUBDISTRICT_OFFICE,
    ),
    AppealTemplate(
        "bianmin",
        "help",
        "gongdian",
        "小区经常停电",
        "{cp}这个月已经停了{n}次电，每次好几个小时，冰箱里的东西都坏了，希望查查原因。",
        "经排查为小区配电线路老化，已更换故障电缆{n}00米，后续将结合改造更换变压器。",
    ),
    # 绿色怡心
    AppealTemplate(
        "lvse",
        "complaint",
        "chengguan",
        "垃圾桶满了没人清理",
        "{cp}门口的分类垃圾桶每天都满溢，天热了味道很大，招苍蝇，希望增加清运次数。",
        "已要求环卫公司将{cp}垃圾清运频次调整为每日两次，并增设分类垃圾桶{n}组。",
        wrong_department="shengtai",
        variants=("厨余垃圾也没人分。", "周末尤其严重。"),
    ),
    AppealTemplate(
        "lvse",
        "suggestion",
        "yuanlin",
        "小区门口污水坑能不能改成绿地",
        "{cp}门口有个坑一下雨就积水，夏天发臭还有蚊子，建议填平种点树，改成小绿地。",
        "经现场查看，已疏通排水管道，回填后种植绿化，已改造为小游园，欢迎居民监督。",
        wrong_department="chengguan",
    ),
    AppealTemplate(
        "lvse",
        "complaint",
        "shengtai",
        "河道有异味",
        "{cm}附近河道最近有很重的臭味，河面上还漂着垃圾，附近居民都不敢开窗。",
        "经排查为上游一处雨污混接，已完成封堵改造，并组织河道保洁打捞，水质已明显好转。",
        wrong_department="chengguan",
        level="cm",
    ),
    AppealTemplate(
        "lvse",
        "help",
        "yuanlin",
        "树枝挡住路灯和窗户",
        "{cp}{b}号楼前的大树长得太高，树枝把路灯和一楼窗户都挡住了，屋里很暗，请帮忙修剪。",
        "园林所已安排对{cp}{b}号楼前树木进行修剪，路灯照明和居民采光已恢复。",
    ),
    AppealTemplate(
        "lvse",
        "complaint",
        "chengguan",
        "餐馆油烟扰民",
        "{cp}楼下新开的餐馆油烟直排，每天中午晚上油烟往楼上飘，衣服都不能晒。",
        "已责令该餐馆安装油烟净化设备并定期清洗，执法人员将跟踪复查。",
        wrong_department="shichang",
    ),
    # 颐养暖心
    AppealTemplate(
        "yiyang",
        "inquiry",
        "minzheng",
        "老年助餐点在哪里吃饭",
        "我今年{age}岁，一个人住在{cm}，听说有老年助餐点，请问在哪里、怎么收费、能不能送餐？",
        "{cm}老年助餐点位于党群服务中心一楼，80岁以上老人每餐补贴后{n}元，行动不便的可预约送餐上门。",
        wrong_department=SUBDISTRICT_OFFICE,
        level="cm",
    ),
    AppealTemplate(
        "yiyang",
        "help",
        SUBDISTRICT_OFFICE,
        "独居老人需要上门照看",
        "我父亲{age}岁独自住在{cp}，子女在外地工作，最近身体不太好，希望社区能经常上门看看。",
        "社区已将老人纳入独居老人关爱名单，网格员每周上门探访，并为老人安装了紧急呼叫器。",
        wrong_department="minzheng",
    ),
    AppealTemplate(
        "yiyang",
        "inquiry",
        "minzheng",
        "高龄津贴怎么申请",
        "我母亲今年满80岁了，请问高龄津贴怎么申请，要带什么材料？",
        "高龄津贴可在{cm}党群服务中心或“我的徐州”APP申请，需身份证和银行卡，审核通过后次月发放。",
        level="cm",
    ),
    AppealTemplate(
        "yiyang",
        "suggestion",
        SUBDISTRICT_OFFICE,
        "希望增加老年活动室",
        "{cm}老年人很多，但活动室太小，冬天没地方下棋打牌，建议扩大老年活动室。",
        "社区已协调腾出{n}间用房扩建老年活动室，配备棋牌桌和阅读角。",
        level="cm",
    ),
    # 安全放心
    AppealTemplate(
        "anquan",
        "complaint",
        SUBDISTRICT_OFFICE,
        "电动车飞线充电有安全隐患",
        "{cp}{b}号楼有住户从{f}楼窗户拉电线下来给电动车充电，晚上一直充着，劝了好几次都不听，担心着火。",
        "社区网格员已上门劝导并拆除飞线，小区新建的集中充电点已投入使用，后续将常态化巡查。",
        wrong_department="yingji",
        variants=("楼道里还停了好几辆电动车。",),
    ),
    AppealTemplate(
        "anquan",
        "complaint",
        "yingji",
        "消防通道被车堵住",
        "{cp}的消防通道长期被私家车占用，万一发生火灾消防车根本进不来。",
        "已会同物业清理占用消防通道的车辆，施划禁停标线，并安装了消防通道监控。",
        wrong_department="chengguan",
    ),
    AppealTemplate(
        "anquan",
        "suggestion",
        "jiaoyu",
        "学校门口需要减速带",
        "{school}门口的路车速很快，放学时孩子多，很危险，建议装减速带、设护学岗。",
        "已在{school}门口增设减速带和警示标志，上下学时段安排护学岗值守。",
        level="cm",
    ),
    AppealTemplate(
        "anquan",
        "complaint",
        "shichang",
        "小饭店卫生条件差",
        "{cm}菜市场旁边一家小吃店后厨很脏，吃了以后闹肚子，希望查一查。",
        "市场监管所已对该店进行检查，责令整改并立案调查，后续将加强日常监管。",
        level="cm",
    ),
    AppealTemplate(
        "anquan",
        "help",
        "ranqi",
        "楼道里有燃气味",
        "{cp}{b}号楼{u}单元楼道里有燃气味，担心是管道漏气，请尽快来人检查。",
        "燃气公司抢修人员已到场检测，为立管接口老化轻微泄漏，已更换接口并恢复供气。",
        wrong_department="yingji",
    ),
    # 富民安心
    AppealTemplate(
        "fumin",
        "inquiry",
        "renshe",
        "灵活就业人员社保怎么交",
        "我在外卖平台跑单，属于灵活就业，请问养老保险和医保怎么交，每年交多少？",
        "灵活就业人员可通过“江苏智慧人社”APP或到社区服务站办理参保登记，缴费基数可自主选择，具体标准已电话告知。",
        wrong_department=SUBDISTRICT_OFFICE,
        level="cm",
    ),
    AppealTemplate(
        "fumin",
        "help",
        "renshe",
        "失业了想找工作",
        "本人{age}岁，原来在厂里上班，工厂关停后失业在家，希望社区推荐合适的工作或技能培训。",
        "已为您办理失业登记，推荐{n}个岗位并报名下期养老护理员培训，培训期间可领取补贴。",
        level="cm",
    ),
    AppealTemplate(
        "fumin",
        "complaint",
        "renshe",
        "工地拖欠工资",
        "我们在{cm}附近工地干活，老板拖欠{n}个月工资一直不给，希望政府帮忙讨要。",
        "劳动保障监察大队已约谈施工企业，督促其于{n}日内足额支付拖欠工资，已支付到位。",
        wrong_department="zhujian",
        level="cm",
    ),
    AppealTemplate(
        "fumin",
        "inquiry",
        "renshe",
        "创业补贴申请条件",
        "我想在{cm}开一家小店，听说有创业补贴和创业担保贷款，请问需要什么条件？",
        "符合条件的首次创业人员可申请一次性创业补贴和最高50万元创业担保贷款，详细政策已发送短信。",
        level="cm",
    ),
    # 春雨润心
    AppealTemplate(
        "chunyu",
        "inquiry",
        "jiaoyu",
        "幼儿园入园报名时间",
        "孩子明年该上幼儿园了，我们住在{cp}，请问划片在哪个幼儿园，什么时候报名？",
        "{cp}划片公办幼儿园报名时间为每年5月，报名方式将通过区教育局公众号发布。",
        wrong_department=SUBDISTRICT_OFFICE,
    ),
    AppealTemplate(
        "chunyu",
        "suggestion",
        "wenlv",
        "希望社区建个城市书房",
        "{cm}附近没有图书馆，孩子放学没地方看书，建议建一个城市书房。",
        "已将{cm}城市书房纳入年度计划，选址和建设进展将在本平台公开。",
        level="cm",
    ),
    AppealTemplate(
        "chunyu",
        "complaint",
        "jiaoyu",
        "校外培训机构收费不退",
        "孩子在{cm}附近一家培训机构报了课，机构突然关门，{n}000元学费一直不退。",
        "区教育局已会同市场监管部门约谈机构负责人，督促退费，已退还学费。",
        wrong_department="shichang",
        level="cm",
    ),
    AppealTemplate(
        "chunyu",
        "suggestion",
        "wenlv",
        "建议增加篮球场",
        "{cm}年轻人多，附近只有一个篮球场，晚上都要排队，建议再建一个笼式球场。",
        "已将新增笼式球场纳入{sd}街道全民健身设施补短板项目，预计年内建成。",
        level="cm",
    ),
    # 表扬
    AppealTemplate(
        "bianmin",
        "praise",
        SUBDISTRICT_OFFICE,
        "感谢社区网格员",
        "感谢{cm}网格员{name}，我家老人突发疾病时及时帮忙联系医院，还多次上门看望，特此表扬。",
        "感谢您的肯定！我们已将表扬转达，将继续做好为民服务。",
        level="cm",
    ),
    AppealTemplate(
        "bianmin",
        "praise",
        "zhujian",
        "电梯装好了谢谢政府",
        "{cp}{b}号楼的电梯终于装好了，我们老两口再也不用爬六楼了，感谢区住建局和社区的帮助。",
        "感谢您的肯定！加装电梯是民生实事，我们将继续做好服务。",
    ),
    AppealTemplate(
        "lvse",
        "praise",
        "yuanlin",
        "口袋公园建得好",
        "{cm}新建的口袋公园很漂亮，晚上散步的人很多，座椅高低正合适，给你们点赞。",
        "感谢您的肯定！欢迎继续对公园管护提出意见建议。",
        level="cm",
    ),
]

REJECT_REPLIES = [
    "经核实，该诉求涉及民事纠纷，不属于行政职能范围，建议通过人民调解或诉讼途径解决。",
    "该诉求与此前工单反映的问题相同，已在原工单中办理，请通过原受理编号查询进展。",
    "经核实，反映地点不在泉山区辖区内，已告知诉求人向所属区反映。",
]
ACCEPT_NOTES = ["诉求要素齐全，予以受理。", "已电话联系诉求人核实情况。", ""]
ASSIGN_NOTES = ["请按时限办理并回复诉求人。", "涉及安全隐患，请优先办理。", ""]
SIGN_NOTES = ["已签收，安排人员现场核查。", "已签收。", ""]
RESOLVE_NOTES = ["已电话回访诉求人，诉求人认可处理结果。", "已现场核查整改到位。", ""]
RETURN_NOTES = {
    "wrong_area": "经现场核实，反映地点不属于本单位管辖范围，请重新派单。",
    "wrong_function": "该事项不属于本单位职能，请派至相关职能部门。",
}
RATING_COMMENTS = {
    "satisfied": ["处理很及时，谢谢！", "工作人员态度很好。", "问题解决了，非常满意。", ""],
    "basically": ["问题基本解决，希望以后保持。", "处理有点慢，但结果还可以。", ""],
    "unsatisfied": ["问题没有彻底解决。", "答复太笼统，没有实际行动。", "拖了很久才处理。"],
}
PROXY_REASONS = ["承办单位系统故障，代为办理。", "承办单位人员外出处置，电话委托代办。"]
EXTENSION_REASONS = [
    "需协调供电部门停电后施工",
    "所需配件需向厂家订购，到货约一周",
    "涉及小区公共维修资金使用，需业主表决",
]
REFUSE_EXTENSION_NOTES = ["时限内可以完成，请抓紧办理。", "该事项不需要延期，请按原时限办结。"]
SUPERVISE_NOTES = ["群众多次来电反映，请加快办理。", "涉及安全隐患，请重点关注。"]
SUPERVISION_ANSWERS = ["已安排专人负责，本周内办结。", "已现场处置，正在跟进后续整改。"]
REVISIT_NOTES = ["电话回访，诉求人口述评价。", "回访时诉求人表示认可。"]
REOPEN_NOTES = ["诉求人反映问题仍未解决，请重新办理。", "回访不满意，请再次核查处理。"]
REOPEN_REPLIES = ["您反映问题尚未解决，已要求承办单位重新办理。", ""]
EXPLAINED_REPLIES = {
    "unreasonable": "经核实，诉求超出合理范围，已向您说明情况，感谢理解。",
    "policy": "根据现行政策规定，该事项暂不具备办理条件，已向您解释说明。",
    "done": "承办单位已依法依规办理到位，已向您解释说明。",
}
CONTACT_ALTERNATIVES = ["微信号 {py}{n}", "邮箱 {py}{n}@163.com", "QQ {n}"]
