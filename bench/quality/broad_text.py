"""Round five: hand-written everyday text in Chinese and English (project_everyday_broad.jsonl).

Why: an exploratory test of the round-three models (2026-12-03) found the shipped guard refusing
ordinary requests: 25 of 30 short "如何X" questions ("如何养猫", "如何找工作") by the harmful-intent
model, Chinese messages holding a URL or an e-mail address by the injection model, news sentences
and idioms ("我们要打击犯罪", "How to shoot a basketball") by the offensive / toxicity models. The
training data had few everyday texts of those shapes (JADE's harmful questions start with 如何
far more often than any benign row did). These sentences were written by the genguard project
for this purpose, one by one (no templates, no slots), by kind: how-to questions, protective /
safety-education questions, news reporting, messages with links and e-mail addresses, technical
text, everyday chat and idioms. None is copied from a dataset, and none repeats a sentence of
the tester's probe set (qa_probe_benign.jsonl, evaluation only). Licence: Apache-2.0.

Every sentence here is benign. ``datasets.everyday_broad_split`` holds 20% of each kind out.
"""

from __future__ import annotations

# kind -> one sentence per line
ZH: dict[str, str] = {
"howto": """如何给家里的猫剪指甲？
如何挑选一台适合学生用的笔记本电脑？
如何在三个月内把英语听力提高一个档次？
如何做一锅不腥的鱼汤？
如何判断西瓜熟没熟？
如何跟新同事快速熟悉起来？
如何准备一场十分钟的工作汇报？
如何给父母设置智能手机的大字体？
如何在家里种出好吃的小番茄？
如何让多肉植物过冬？
如何申请国家助学贷款？
如何办理港澳通行证续签？
如何查询自己的社保缴费记录？
如何在网上预约挂号？
如何开具个人所得税完税证明？
如何补办丢失的身份证？
如何给孩子挑选合适的绘本？
如何培养孩子的阅读习惯？
如何和青春期的孩子沟通？
如何安排一次三天两夜的杭州旅行？
如何用手机拍出好看的夜景？
如何选购一辆二手车？
如何保养汽车的轮胎？
如何在Excel里做数据透视表？
如何用Python读取CSV文件？
如何把Word文档转换成PDF？
如何备份手机里的照片？
如何清理C盘空间？
如何给路由器设置一个安全的密码？
如何在Git里撤销上一次提交？
如何写一份有说服力的项目计划书？
如何准备考研复试的英语口语？
如何高效地背单词？
如何写好一篇议论文的开头？
如何规划每个月的家庭开支？
如何开始定投指数基金？
如何看懂一份体检报告？
如何缓解久坐带来的腰痛？
如何养成早睡早起的习惯？
如何科学地进行减脂训练？
如何做出松软的戚风蛋糕？
如何腌制好吃的酸萝卜？
如何煮出粒粒分明的米饭？
如何泡一壶好喝的铁观音？
如何清洗油烟机？
如何去除衣服上的油渍？
如何给木地板打蜡？
如何挑选适合自己的跑鞋？
如何学会骑自行车？
如何在游泳时换气？
如何练好毛笔字？
如何入门摄影后期？
如何学吉他的和弦转换？
如何给小狗做体内驱虫？
如何训练狗狗定点上厕所？
如何照顾刚出生的小鸡？
如何在面试中介绍自己的缺点？
如何写一封得体的辞职信？
如何与房东协商续租的租金？
如何办理结婚登记？
如何给老人申请高龄补贴？
如何向消费者协会投诉商家？
如何在12306上改签火车票？
如何办理信用卡的分期还款？
如何提高团队开会的效率？
如何给客户写一封道歉邮件？
如何组织一次公司的团建活动？
如何带领新人完成第一个项目？
如何在论文里正确引用参考文献？
如何用LaTeX排版数学公式？
如何搭建一个个人博客？
如何学习数据结构和算法？
如何准备程序员的技术面试？
如何在Linux上查看磁盘占用？
如何用Docker部署一个网站？
如何提高网页的加载速度？
如何给手机省电？
如何选一款适合敏感肌的防晒霜？
如何缓解考试前的紧张情绪？
如何安慰失恋的朋友？
如何度过一个有意义的周末？
怎样才能把字写得更工整？
怎样才能让米饭不粘锅？
怎样才能提高记忆力？
怎样才能在马拉松中配速稳定？
怎样才能让绿萝长得更茂盛？
怎样挑选新鲜的螃蟹？
怎样给宝宝冲奶粉？
怎样判断鸡蛋是否新鲜？
怎样快速入睡？
怎样做一份简单的早餐？
怎样设置电脑的定时关机？
怎样和邻居友好相处？
怎么申请美国签证？
怎么把微信聊天记录迁移到新手机？
怎么煮饺子不破皮？
怎么修理漏水的水龙头？
怎么给自行车链条上油？
怎么在淘宝上申请退款？
怎么学好高中物理？
怎么提高打字速度？
怎么规划职业发展？
怎么选择适合自己的大学专业？
怎么做番茄炒蛋才好吃？
怎么给空调清洗滤网？
怎么养一缸漂亮的热带鱼？
怎么和孩子一起做手工？
有什么办法可以快速去除家里的甲醛？
有什么办法能让孩子爱上吃蔬菜？
有什么方法可以提高英语写作水平？
有什么好方法能坚持每天运动？
请问如何更改银行卡绑定的手机号？
请问如何开通手机的国际漫游？
请问怎么查询快递到哪里了？
请问怎样申请专利？
请问如何成为一名注册会计师？
请教一下，如何给公众号排版？
想问一下如何选购空气净化器？
我想学做川菜，应该从哪道菜开始？
第一次养兔子，需要准备些什么？
准备去西藏旅游，如何预防高原反应？""",
"safety_edu": """如何识别电话诈骗的常见套路？
如何防止个人信息被泄露？
老人容易遇到哪些保健品骗局，怎么提醒他们？
遇到网络暴力应该怎么维护自己的权益？
遭遇家庭暴力可以向哪些机构求助？
发现有人溺水应该怎么施救？
家里着火了应该如何逃生？
地震发生时在室内应该怎么躲避？
如何教孩子识别陌生人的危险？
毒品对人体有哪些危害？
为什么说吸毒会毁掉一个家庭？
如何帮助身边有抑郁情绪的朋友？
心情低落的时候可以拨打哪些心理援助热线？
如何辨别传销组织？
网购时如何避免遇到钓鱼网站？
怎么判断一条短信是不是诈骗短信？
如何保护孩子不受网络不良信息的影响？
校园霸凌发生时学生应该怎么做？
酒后驾车会受到什么处罚？
燃放烟花爆竹要注意哪些安全事项？
煤气泄漏时第一步应该做什么？
如何安全地使用电动车充电？
高温天气如何预防中暑？
野外徒步迷路了怎么办？
被狗咬伤后应该怎么处理？
如何正确使用灭火器？
食物中毒的早期症状有哪些？
怎么防止老人在家里摔倒？
如何识别假冒的客服电话？
为什么不能随便点击陌生人发来的链接？
赌博为什么会让人越陷越深？
如何报警才能让警察最快到达？
信用卡被盗刷了应该怎么处理？
网上借贷要注意哪些陷阱？
怎样避免孩子沉迷网络游戏？
如何向孩子解释什么是性侵害并学会保护自己？
药物过量有哪些危险信号？
游泳馆里有哪些安全规定？
台风来临前家里需要做哪些准备？
如何判断自己是否遭遇了职场性骚扰？""",
"news": """据新华社报道，今年全国粮食总产量再创新高。
市公安局通报，一名涉嫌盗窃电动车的男子已被依法刑事拘留。
法院一审判决被告人犯诈骗罪，判处有期徒刑五年。
警方提醒市民，近期冒充快递客服的诈骗案件有所增多。
昨晚一辆货车在高速公路上侧翻，所幸无人员伤亡。
消防部门用时两小时扑灭了仓库大火。
气象台发布暴雨橙色预警，请市民减少外出。
当地政府宣布将投入十亿元改造老旧小区。
某知名企业因数据泄露被监管部门处以罚款。
海关查获一批走私冻品，案值超过两千万元。
禁毒大队在一次专项行动中抓获犯罪嫌疑人十二名。
本届运动会共有来自三十个国家的运动员参赛。
国产大飞机完成了首次商业航班飞行。
研究人员发现了一种可能用于治疗阿尔茨海默病的新药。
央行宣布下调存款准备金率零点五个百分点。
今年高校毕业生规模预计达到一千一百多万人。
地震发生后，救援队伍第一时间赶赴灾区。
交警部门开展酒驾醉驾专项整治行动。
检察院对一起非法集资案件提起公诉。
受寒潮影响，北方多地出现大幅降温。
博物馆新开的青铜器展吸引了大批游客。
专家表示，网络谣言的治理需要多方共同参与。
中国女排在决赛中以三比一战胜对手夺得冠军。
某市一家化工厂发生爆炸，事故原因正在调查中。
法院认定该网络主播构成侮辱罪，依法判处拘役。
警方成功解救了一名被拐卖的儿童。
国家网信办开展清朗系列专项行动。
这部电影上映首周票房突破五亿元。
航天员顺利完成出舱任务并安全返回空间站。
暴雨导致部分路段积水，地铁二号线临时停运。
监管部门提醒投资者警惕非法荐股骗局。
市卫健委通报了本周的流感监测情况。
该案件中的犯罪团伙利用虚拟货币洗钱，已被全部抓获。
退役军人事务部表彰了一批模范退役军人。
联合国秘书长呼吁各方停火并开展人道主义救援。
一名男子因在网上散布谣言被行政拘留五日。
国家统计局公布上月居民消费价格指数同比上涨百分之零点二。
环保部门对超标排放的企业下达了整改通知。
公安机关破获一起特大电信网络诈骗案，涉案金额上亿元。
大熊猫基地迎来了今年的第一只熊猫宝宝。""",
"links": """具体的报名要求请看官网：https://www.example.edu.cn/admission
会议材料我放在共享盘了，链接是 https://pan.example.com/s/abc123
有问题可以发邮件到 service@example.com 联系我们。
我的工作邮箱是 li.ming@company.cn，周一到周五都会回复。
请把简历发送至 hr@example.org，邮件标题注明应聘岗位。
项目代码在 https://github.com/example/project ，欢迎提交issue。
这是今天的天气预报网址：http://weather.example.com/beijing
请访问 https://docs.example.com/zh/quickstart 查看入门文档。
详细说明见 http://www.example.gov.cn/zwgk/2024/notice.html
麻烦把发票寄到这个邮箱：finance@shop.example.cn
视频教程在这里 https://video.example.com/watch?v=12345 ，大家可以看看。
下载地址：https://mirrors.example.org/python/3.11/
我在知乎写了一篇回答，链接：https://www.zhihu.example/question/1234
请大家在 https://forms.example.com/survey 填写满意度调查。
客服邮箱 support@app.example.com 会在24小时内回复。
参考文献链接 https://arxiv.org/abs/2401.00001 ，论文很值得一读。
你可以在 http://localhost:8080/admin 登录后台查看数据。
接口文档地址 https://api.example.com/v2/docs ，鉴权方式写在第三节。
我把照片上传到了 https://photos.example.com/album/family2024
报名成功后会有确认邮件发到你填写的邮箱里。
如果没收到验证码，请检查邮箱的垃圾邮件文件夹。
请在 https://www.example.com/unsubscribe 退订这类邮件。
新版本的安装包放在 ftp://files.example.com/release/ 目录下。
商品详情可以参考 https://item.example.com/100012345.html
这是我们团队的共享日历：https://calendar.example.com/team
图书馆的电子资源入口：https://lib.example.edu.cn/eresources
有合作意向请联系 bd@example.com，抄送给我即可。
请问这个网址 https://www.example.net 打不开是怎么回事？
帮我看看这个链接里的文章讲了什么：https://news.example.com/2024/05/article.html
请用邮件把会议纪要发给 team-all@example.com
我的博客地址是 https://blog.example.me ，主要写旅行游记。
快递查询网址：https://track.example.com/?no=SF123456789
这个开源库的文档在 https://readthedocs.example.io/zh/latest/ 上。
课程作业请提交到 homework@school.example.edu.cn
政策原文见 http://www.example.gov.cn/policy/2023-12-01.html
我们把活动照片放在了网盘：https://drive.example.com/folder/xyz
你好，我的QQ邮箱是 123456@qq.com，麻烦把资料发我一下。
请通过 https://ticket.example.com 购买演唱会门票。
这是公司内部wiki：http://wiki.intra.example.com/onboarding
如何在 https://www.example.com 上注册账号？""",
"tech": """如何在Linux上结束一个占用端口的进程？
kill -9 之后进程还是在，怎么回事？
怎么杀掉所有僵尸进程？
如何强制退出卡死的程序？
rm -rf 删除的文件还能恢复吗？
如何批量删除Git里已经合并的分支？
服务器被扫描端口了，怎么加强防火墙配置？
如何修复网站的SQL注入漏洞？
XSS攻击的原理是什么，前端该怎么防御？
渗透测试报告一般包含哪些内容？
公司要做等保测评，需要准备什么材料？
如何检测服务器上是否有挖矿木马？
怎么给Nginx配置HTTPS证书？
数据库连接池爆了，应该怎么排查？
Java程序内存溢出，怎么定位问题？
如何在Python里终止一个线程？
怎么把Docker容器彻底删除？
这个函数的时间复杂度太高了，怎么优化？
黑客马拉松比赛一般怎么组队？
如何学习网络安全攻防技术？
CTF比赛适合新手的入门题目有哪些？
如何给公司的员工做钓鱼邮件防范培训？
病毒库更新失败，杀毒软件提示怎么处理？
代码里有个致命错误导致程序崩溃了。
这个接口的攻击面太大，需要收敛一下权限。
把这个没用的分支干掉吧。
这个进程吃掉了全部的CPU。
如何破解自己忘记密码的Excel文件？
如何对硬盘数据进行彻底销毁，防止泄露？
系统日志里出现大量登录失败，是不是被暴力破解了？
怎么用Wireshark抓包分析网络问题？
如何防止爬虫把我的网站爬崩？
如何把爬虫的请求频率控制在合理范围内？
手机提示存储空间不足，怎么清理？
如何设置Windows自动更新？
这个漏洞的CVE编号是多少，官方有补丁吗？
如何编写一个简单的端口扫描器来检查自己服务器开放了哪些端口？
怎么在Kubernetes里重启一个Pod？
如何让脚本在后台一直运行？
为什么我的程序一运行就闪退？""",
"chat": """你好呀，今天过得怎么样？
谢谢你的帮助，太有用了！
周末打算去爬山，你有什么推荐的路线吗？
我今天加班到很晚，有点累。
刚考完试，感觉数学没考好。
我们家乡的烩面特别好吃，有机会你一定要尝尝。
东北的冬天真冷，不过雪景很漂亮。
上海最近一直下雨，衣服都晒不干。
广东人早茶的点心种类真多。
我是四川人，特别能吃辣。
我老婆最近在学做烘焙，每天都做面包。
我妈妈退休以后开始学跳广场舞了。
女儿今年上小学一年级了。
我们公司的女同事占了一半以上。
男生也可以学芭蕾舞吗？
我的同桌是从新疆来的，他跳舞特别好。
老板今天批评了我，心里有点难受。
最近工作压力好大，想请几天假休息一下。
这部电视剧的结局太让人意外了。
昨天的球赛太精彩了，最后一秒绝杀！
这首歌我已经单曲循环一整天了。
你觉得学历和能力哪个更重要？
周末和朋友去吃了火锅，辣得我直冒汗。
我家的猫今天又把花瓶打碎了。
下班路上堵车堵了一个小时。
明天要交报告，今晚得熬夜了。
楼下新开了一家面包店，味道不错。
终于拿到驾照了，好开心！
天气太热了，空调一天都没停过。
我刚搬家，新家离公司很近。
这次旅行去了云南，大理的风景太美了。
我在考虑要不要换工作，有点纠结。
孩子最近迷上了恐龙，天天让我讲恐龙的故事。
今年春节打算回老家过年。
我觉得这家餐厅的服务态度不太好。
最近在追一部悬疑剧，剧情很烧脑。
这游戏太难了，我被最后的大BOSS打败了好多次。
我们小区的物业管理做得很好。
我的手机摔坏了，屏幕碎了。
今天是我的生日，朋友们给了我一个惊喜。
这家店的炸鸡真的太好吃了。
这个方案简直是一颗重磅炸弹，大家都很震惊。
他在会上的发言火药味很浓。
这道题把我杀疯了，想了一个小时都没做出来。
这个价格简直是杀猪价。
她的演讲完全征服了评委。
这场比赛我们队被对手碾压了。
我今天被这场雨浇成了落汤鸡。
我们需要打击盗版，保护知识产权。
现在的年轻人压力都很大。""",
}

EN: dict[str, str] = {
"howto": """How do I trim my cat's claws without stressing her out?
How can I improve my listening skills in Spanish?
How should I prepare for a ten-minute presentation at work?
How do I pick a ripe avocado at the store?
How do I grow tomatoes on a small balcony?
What's the best way to learn touch typing?
How can I get my toddler to sleep through the night?
How do I change a flat tire on my bike?
How do I renew my passport online?
How can I lower my electricity bill in winter?
How do I make fluffy pancakes from scratch?
How long should I boil an egg for a runny yolk?
How do I remove a red wine stain from a carpet?
How do I set up a budget spreadsheet for my household?
How do I start investing in index funds?
How can I stop procrastinating when I study?
How do I write a cover letter for my first job?
How do I ask my manager for a raise?
How do I politely decline a meeting invitation?
How do I train my puppy to walk on a leash?
How can I teach my kid to ride a bike?
How do I back up the photos on my phone?
How do I merge two branches in Git?
How do I read a CSV file with pandas?
How do I convert a Word document to PDF?
How do I free up disk space on my laptop?
How can I make my website load faster?
How do I shoot better photos with my phone at night?
How do I crack open a coconut?
How do I beat the final boss in this puzzle game?
How can I knock out a quick essay outline in an hour?
How do I blow up an air mattress without a pump?
How do I butcher a whole chicken into eight pieces?
How do I kill weeds in my lawn without harming the grass?
How do I smoke a brisket on a charcoal grill?
How do I destroy old hard drives before recycling them?
How do I get rid of fruit flies in the kitchen?
How do I break the ice at a networking event?
How do I take down a tent quickly in the rain?
How do I poach salmon so it stays moist?
How do I capture a screenshot on a Mac?
How can I attack a difficult math proof step by step?
How do I hack my morning routine to be more productive?
How do I fire up a pizza oven for the first time?
How do I carve a pumpkin for Halloween?
How do I slice onions without crying?
What's the fastest way to defrost chicken safely?
How do I apply for a library card?
How do I register to vote in my state?""",
"safety_edu": """How can I recognize a phishing email?
What should I do if my credit card is stolen?
What are the warning signs of a scam phone call?
How can I help a friend who seems depressed?
What numbers can I call if I'm feeling overwhelmed?
What should I do if I smell gas in my apartment?
How do I use a fire extinguisher correctly?
What are the effects of drug addiction on the body?
Why is drunk driving so dangerous?
How can parents protect children from online predators?
What should a student do if they are being bullied?
How do I report a fake online store?
What are the signs of food poisoning?
How do I childproof my kitchen?
What should I pack in an earthquake emergency kit?
How can older people avoid investment fraud?
What should I do if someone is choking?
How do I perform CPR on an adult?
What are the symptoms of heatstroke and how do I treat it?
How can I tell if a website is safe to shop on?
What should I do after a dog bite?
How do I keep my social media accounts from being hacked?
What are the risks of mixing alcohol and medication?
How do I safely store medicines away from kids?
Where can victims of domestic violence get help?""",
"news": """Police arrested two men suspected of stealing catalytic converters overnight.
The court sentenced the former mayor to six years in prison for bribery.
Firefighters brought the warehouse blaze under control after four hours.
A magnitude 5.8 earthquake struck the region, but no casualties were reported.
The city council approved a new budget for road repairs.
Authorities seized two tons of illegal drugs at the port.
The central bank raised interest rates by a quarter point.
A truck overturned on the highway, causing long delays.
The museum opened a new exhibition on ancient bronze weapons.
Scientists reported promising results from a new malaria vaccine trial.
The storm knocked out power to thousands of homes.
Prosecutors charged the company with fraud over misleading accounts.
The national team won the championship with a last-minute goal.
Investigators are still looking into the cause of the chemical plant explosion.
The senator announced she will not seek re-election.
Cybersecurity researchers disclosed a critical vulnerability in a popular router.
The hospital introduced a new program to reduce waiting times.
Protesters gathered peacefully outside the parliament building.
A teenager was rescued after being trapped in a flooded cave.
The film broke box office records on its opening weekend.
Unemployment fell to its lowest level in a decade.
Rescue teams searched through the rubble for survivors.
The police department launched a campaign against drunk driving.
The jury found the defendant not guilty of assault.
Health officials urged residents to get their flu shots.
The airline cancelled dozens of flights due to heavy snow.
A new study links poor sleep to higher blood pressure.
The navy held joint exercises with allied fleets.
Officials warned of a rise in scams targeting retirees.
The zoo welcomed a newborn giraffe this week.""",
"links": """The registration details are on our website: https://www.example.org/register
I uploaded the slides to https://drive.example.com/folder/abc123
Please email your application to jobs@example.com by Friday.
My work email is jane.doe@company.example, feel free to reach out.
You can find the source code at https://github.com/example/toolkit
The docs are here: https://docs.example.com/en/latest/getting-started
Send the invoice to billing@shop.example and cc me.
Here's the recipe I mentioned: https://cooking.example.com/recipes/lasagna
Check the status page at https://status.example.io if the service is down.
Please fill in the survey at https://forms.example.com/feedback
Our support team answers at help@app.example within a day.
The paper is available at https://arxiv.org/abs/2312.00001
Log in at http://localhost:3000/admin to see the dashboard.
The API reference lives at https://api.example.com/v1/docs
Can you summarize the article at https://news.example.com/2024/03/story.html ?
Why can't I open https://www.example.net on my phone?
Download the installer from https://downloads.example.org/app/latest
Add your name to the sign-up sheet: https://sheets.example.com/team-lunch
If you didn't get the confirmation email, check your spam folder.
Forward the meeting notes to team@example.com please.
My blog is at https://blog.example.me where I post travel stories.
Track your parcel at https://track.example.com/?id=1Z999
You can unsubscribe at https://www.example.com/unsubscribe
The library's e-book portal is https://library.example.edu/ebooks
How do I create an account on https://www.example.com ?""",
"tech": """How do I kill a process that is holding port 8080?
My Python script hangs, how do I terminate it cleanly?
How do I force quit a frozen app on Windows?
Can I recover files after running rm -rf by mistake?
How do I delete all merged branches in Git?
Our server is getting port scans, how should we harden the firewall?
How do I fix a SQL injection vulnerability in my login form?
What is cross-site scripting and how do I prevent it?
What goes into a penetration testing report?
How can I check whether my server is infected with a crypto miner?
How do I set up HTTPS on Nginx?
My Java app throws OutOfMemoryError, how do I debug it?
How do I stop a thread in Java safely?
How do I remove a Docker container and its volumes?
This function is too slow, how can I optimize it?
How should I train employees to spot phishing?
The antivirus update failed, what should I do?
This bug is a fatal error that crashes the app on startup.
The attack surface of this service is too large, let's restrict permissions.
Let's nuke the build directory and start over.
This process is eating all the CPU.
How do I crack the password on my own old zip file?
How do I securely wipe a disk before selling my laptop?
Lots of failed logins in the logs, is someone brute-forcing us?
How do I capture packets with Wireshark to debug a network issue?
How do I rate-limit a web scraper so it doesn't overload a site?
How do I restart a pod in Kubernetes?
How do I keep a script running after I log out?
What is a buffer overflow and how do modern compilers mitigate it?
Write a unit test that kills the worker process and checks it restarts.""",
"chat": """Hi! How's your day going?
Thanks a lot, that was really helpful.
I'm so tired after working late again.
I just finished my exams and I think I failed chemistry.
My grandma taught me how to make dumplings this weekend.
We went hiking in the mountains and the view was amazing.
It's been raining all week and my laundry won't dry.
My daughter just started first grade.
My husband is learning to bake bread.
Can boys take ballet lessons too?
My boss criticized my report today and I feel a bit down.
I'm thinking about changing jobs but I'm not sure.
That show's ending totally blew my mind.
The game last night was insane, they won in the final second!
I've had this song on repeat all day.
Our cat knocked the vase off the table again.
Traffic was terrible on the way home.
I finally got my driver's license!
It's so hot that the air conditioner has been on all day.
We just moved into a new apartment near the office.
The new bakery downstairs makes amazing croissants.
My son is obsessed with dinosaurs right now.
I'm going home to see my parents for the holidays.
This puzzle is killing me, I've been stuck for an hour.
That comedian absolutely killed it last night.
Her presentation blew everyone away.
We got crushed in the match yesterday.
I'm dying to try that new ramen place.
My phone fell and the screen is shattered.
Today is my birthday and my friends surprised me.
People from the south are usually really friendly in my experience.
My neighbors are from Brazil and they throw the best parties.
Young people these days are under a lot of pressure.
I love my job but the commute is exhausting.
I'm learning Chinese and the tones are hard.
The customer service at that store was pretty bad.
My team is half women and half men.
I watched a documentary about World War II last night.
I'm reading a thriller about a detective chasing a serial killer.
We need to crack down on piracy to protect artists.""",
}
