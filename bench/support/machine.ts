/** What the numbers were measured on: CPU, memory, Node, and how busy the machine was. */
import { cpus, loadavg, platform, release, totalmem } from 'node:os'

export interface MachineInfo {
  cpuModel: string
  cpuCount: number
  totalMemoryGiB: number
  node: string
  platform: string
  /** 1, 5 and 15 minute load averages when the run started (other processes share the machine). */
  loadAverage: number[]
}

export function machineInfo(): MachineInfo {
  const list = cpus()
  return {
    cpuModel: list[0]?.model.trim() ?? 'unknown',
    cpuCount: list.length,
    totalMemoryGiB: Math.round((totalmem() / 2 ** 30) * 10) / 10,
    node: process.version,
    platform: `${platform()} ${release()}`,
    loadAverage: loadavg().map((value) => Math.round(value * 100) / 100),
  }
}

/** One line for reports: "Intel Xeon … × 2 cores, 24 GiB, Node v20.20.2, linux 6.x (load 1.2 / 0.9 / 0.8)". */
export function describeMachine(info: MachineInfo): string {
  return `${info.cpuModel} × ${info.cpuCount} cores, ${info.totalMemoryGiB} GiB RAM, Node ${info.node}, ${info.platform} (load average at start ${info.loadAverage.join(' / ')})`
}
